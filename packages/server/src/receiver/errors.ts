import { z } from "zod";
import type { ReceiverResponse } from "./http-types.js";

/**
 * The receiver's error vocabulary: a stable `code` per failure, each with one HTTP status.
 * Bodies follow `{ statusCode, error, message, code }` so every client can branch on `code`.
 * This table is the one source: the zod schema, the TS type and the OpenAPI enum derive from it.
 */
export const HTTP_ERRORS = {
  malformed_body: 400,
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  environment_not_found: 404,
  integration_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  idempotency_in_flight: 409,
  body_too_large: 413,
  unsupported_content_type: 415,
  idempotency_key_reused: 422,
  plugin_error: 422,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  storage_unavailable: 503,
} as const;

export const HttpErrorCodeSchema = z.enum(Object.keys(HTTP_ERRORS) as [keyof typeof HTTP_ERRORS, ...(keyof typeof HTTP_ERRORS)[]]);
export type HttpErrorCode = z.infer<typeof HttpErrorCodeSchema>;

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export const ErrorBodySchema = z
  .object({ statusCode: z.int(), error: z.string(), message: z.string(), code: HttpErrorCodeSchema })
  .strict();
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export function errorBody(code: HttpErrorCode, message: string): ErrorBody {
  const statusCode = HTTP_ERRORS[code];
  return { statusCode, error: REASONS[statusCode] ?? "Error", message, code };
}

/** An error as the receiver answers it: the status and the JSON body. */
export function errorResponse(code: HttpErrorCode, message: string): ReceiverResponse {
  const body = errorBody(code, message);
  return { statusCode: body.statusCode, body: JSON.stringify(body) };
}
