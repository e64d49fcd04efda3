/**
 * What counts as secret in a request or a log line. One list of header names serves both the
 * copies of requests the receiver stores and the logger's redaction.
 */
export const SECRET_HEADERS: readonly string[] = ["authorization", "proxy-authorization", "cookie", "x-api-key"];

export const REDACTED = "[redacted]";

/** Paths that may hold secrets; pino replaces them before a line is written. */
export const REDACTED_PATHS: readonly string[] = [
  ...SECRET_HEADERS.flatMap((name) => [`req.headers['${name}']`, `headers['${name}']`]),
  "authorization",
  "apiKeys",
  "*.apiKeys",
  "credentials",
  "*.credentials",
  "password",
  "*.password",
];
