import { pino, type Logger, type LoggerOptions } from "pino";
import { REDACTED, REDACTED_PATHS } from "./redaction.js";

export function createLogger(options: LoggerOptions = {}, destination?: NodeJS.WritableStream): Logger {
  const config: LoggerOptions = { level: process.env.LOG_LEVEL ?? "info", redact: { paths: [...REDACTED_PATHS], censor: REDACTED }, ...options };
  return destination === undefined ? pino(config) : pino(config, destination as never);
}
