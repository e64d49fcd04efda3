/** A command line that cannot be run as given: exit code 2, message without a stack. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
