import { pino, type Logger, type LoggerOptions } from "pino";

/** Paths that may hold secrets; pino replaces them before a line is written. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-api-key']",
  "headers.authorization",
  "authorization",
  "apiKeys",
  "*.apiKeys",
  "credentials",
  "*.credentials",
  "password",
  "*.password",
];

export function createLogger(options: LoggerOptions = {}, destination?: NodeJS.WritableStream): Logger {
  const config: LoggerOptions = { level: process.env.LOG_LEVEL ?? "info", redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, ...options };
  return destination === undefined ? pino(config) : pino(config, destination as never);
}
