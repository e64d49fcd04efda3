/**
 * Errors are values with a stable code, a message and where they happened, never bare strings.
 * The list is closed: hosts map each code to a transport status (the receiver: 401, 400, 413, 415...).
 */
export const ENGINE_ERROR_CODES = [
  "unauthorized",
  "malformed_body",
  "body_too_large",
  "unsupported_content_type",
  "plugin_error",
] as const;

export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export interface EngineError {
  readonly code: EngineErrorCode;
  readonly message: string;
  /** Where it happened: a body path (`data[0].transaction`), a header name, or a plugin hook. */
  readonly location?: string;
}

export function engineError(code: EngineErrorCode, message: string, location?: string): EngineError {
  return location === undefined ? { code, message } : { code, message, location };
}

/** Why one raw event produced no result. Each such event is kept with its raw content. */
export const EVENT_PROBLEM_CODES = ["unknown_event", "invalid_event", "plugin_error"] as const;
export type EventProblemCode = (typeof EVENT_PROBLEM_CODES)[number];

export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  return `non-error value thrown: ${String(thrown)}`;
}
