export async function serve(_argv: string[]): Promise<number> {
  throw new Error("serve is not available yet");
}
