import type { z } from "zod";
import type { ErrorDetail, ErrorResponse } from "./schemas.js";

/** An answer from Everlytic other than success, carrying its reasons (`401 Login Required`, `412 ...`). */
export class EverlyticApiError extends Error {
  override readonly name = "EverlyticApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly errors: readonly ErrorDetail[] = [],
    readonly body?: unknown,
  ) {
    super(message);
  }

  get reasons(): string[] {
    return this.errors.map((e) => e.reason);
  }
}

/** A request this client refused to send: it breaks the document's rules. Same shape as Everlytic's 412. */
export class EverlyticValidationError extends Error {
  override readonly name = "EverlyticValidationError";
  constructor(readonly response: ErrorResponse) {
    super(response.message);
  }
}

/** Everlytic could not be reached, or did not answer in time, after the retries allowed. */
export class EverlyticNetworkError extends Error {
  override readonly name = "EverlyticNetworkError";
}

/**
 * Turns zod issues into Everlytic's own 412 answer shape, so callers handle one shape either way.
 * A field absent from `input` is `required`, as Everlytic words it; anything else `invalidParameter`.
 */
export function toValidationResponse(error: z.ZodError, input: unknown): ErrorResponse {
  const errors = error.issues.map((issue) => {
    const missing = issue.path.length > 0 && valueAt(input, issue.path) === undefined;
    return {
      domain: "global",
      reason: missing ? "required" : "invalidParameter",
      message: missing && issue.code !== "custom" ? `The ${humanize(issue.path)} field is required.` : issue.message,
      locationType: "body",
      location: "webhookValidation",
    };
  });
  return { code: 412, message: errors[0]?.message ?? "The given data was invalid.", error: { errors } };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function humanize(path: readonly PropertyKey[]): string {
  return path
    .filter((p) => typeof p === "string")
    .join(" ")
    .replaceAll("_", " ");
}
