import { engineError } from "../errors.js";
import type { InboundRequest } from "../request.js";
import { decodeFormText } from "./form.js";
import { decodeJsonText, decodeUtf8, type Decoded } from "./json.js";
import type { DecodeLimits } from "./limits.js";
import { decodeMultipart } from "./multipart.js";

export { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "./limits.js";
export { parsesExactly, type Decoded } from "./json.js";
export { encodeForm } from "./form.js";

/** The media types core can decode; a plugin declares which of them it reads. */
export const CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain"] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export interface DecodeOptions {
  readonly limits: DecodeLimits;
  /** Form fields (urlencoded or multipart) whose value is JSON text (Everlytic legacy posts `event=<JSON>`). */
  readonly jsonFormFields: readonly string[];
}

/**
 * Decodes a request body by its media type. text/plain is read as JSON text (SNS-style senders).
 * Multipart bodies may carry binary files, so only their text parts are read as text; the
 * boundary comes from the content-type header.
 */
export function decodeBody(request: InboundRequest, options: DecodeOptions): Decoded {
  if (request.rawBody.byteLength > options.limits.maxBytes) {
    return { ok: false, error: engineError("body_too_large", `body is larger than ${options.limits.maxBytes} bytes`) };
  }
  if (request.contentType === "multipart/form-data") {
    return decodeMultipart(request.rawBody, request.headers["content-type"] ?? "", options.limits, options.jsonFormFields);
  }
  const text = decodeUtf8(request.rawBody);
  if (!text.ok) return text;
  switch (request.contentType) {
    case "application/json":
    case "text/plain":
      return decodeJsonText(text.text, options.limits);
    case "application/x-www-form-urlencoded":
      return decodeFormText(text.text, options.limits, options.jsonFormFields);
    default:
      return {
        ok: false,
        error: engineError("unsupported_content_type", `content type "${request.contentType || "(none)"}" is not supported`, "content-type"),
      };
  }
}
