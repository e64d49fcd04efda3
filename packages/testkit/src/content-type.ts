import { mediaType } from "@tidings/core";
import type { SuiteRequest } from "./checks.js";

/**
 * The content-type header a suite request is sent with: the request's own header when it names
 * the same media type (a multipart boundary, a charset), else the bare media type.
 */
export function contentTypeHeader(request: SuiteRequest): string {
  const given = request.headers?.["content-type"];
  return given !== undefined && mediaType(given) === request.contentType ? given : request.contentType;
}
