import { vi } from "vitest";

/** Runs a command function with stdout/stderr captured. */
export async function capture(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    out += `${args.join(" ")}\n`;
  });
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  const error = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += chunk.toString();
    return true;
  });
  try {
    return { code: await run(), out, err };
  } finally {
    log.mockRestore();
    write.mockRestore();
    error.mockRestore();
  }
}
