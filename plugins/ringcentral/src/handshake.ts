import type { Handshake, InboundRequest } from "@tidings/core";

/** Sent when a webhook subscription is created; the answer must carry it back (header names lower-cased, as hosts pass them). */
export const VALIDATION_HEADER = "validation-token";

/**
 * RingCentral refuses a validation answer larger than 1024 bytes, headers and body together
 * (https://developers.ringcentral.com/guide/notifications/webhooks/creating-webhooks), so a longer
 * token could never validate a subscription; it is not echoed.
 */
export const MAX_VALIDATION_TOKEN = 256;

/** Visible ASCII, spaces only inside: nothing that could end a header line or start another. */
const PRINTABLE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * "RingCentral transmits a validation token in an HTTP header whenever a new webhook subscription
 * is created. It is the expectation of RingCentral that your webhook handler echo back this
 * validation token in the response via its own HTTP response header." The probe carries no
 * notification: the receiver answers it 200 with the header and no events, before authorization,
 * and stores nothing, so echoing a token to anyone who sends one gives nothing away. Older guides
 * show the header on every notification: a request with a body is therefore never a probe, so a
 * notification that carries the header is still authorized and stored, not swallowed.
 */
export function handshake(request: InboundRequest): Handshake | undefined {
  const token = request.headers[VALIDATION_HEADER];
  if (hasContent(request.rawBody)) return undefined;
  if (typeof token !== "string" || token.length > MAX_VALIDATION_TOKEN || !PRINTABLE.test(token)) return undefined;
  return {
    headers: { [VALIDATION_HEADER]: token },
    reason: "RingCentral is validating a new webhook subscription: its Validation-Token is echoed",
  };
}

/** Anything but JSON whitespace: RingCentral's validation request has an empty body. */
function hasContent(body: Uint8Array): boolean {
  for (const byte of body) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return true;
  return false;
}
