import type { ReceiverResponse } from "./http-types.js";

/**
 * The receiver's error vocabulary: a stable `code` per failure, each with one HTTP status.
 * Bodies follow `{ statusCode, error, message, code }` so every client can branch on `code`.
 */
export const HTTP_ERRORS = {
  malformed_body: 400,
  invalid_request: 400,
  unauthorized: 401,
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
  headers_too_large: 431,
  storage_unavailable: 503,
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  431: "Request Header Fields Too Large",
  503: "Service Unavailable",
};

export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly code: HttpErrorCode;
}

export function errorBody(code: HttpErrorCode, message: string): ErrorBody {
  const statusCode = HTTP_ERRORS[code];
  return { statusCode, error: REASONS[statusCode] ?? "Error", message, code };
}

/** An error as the receiver answers it: the status and the JSON body. */
export function errorResponse(code: HttpErrorCode, message: string): ReceiverResponse {
  const body = errorBody(code, message);
  return { statusCode: body.statusCode, body: JSON.stringify(body) };
}
