import { matchesSecret, unauthorized, type InboundRequest, type VerifyResult } from "@tidings/core";

/** Carries the subscription's `deliveryMode.verificationToken` on every notification. */
export const VERIFICATION_HEADER = "verification-token";

/**
 * "When you create a new WebHook subscription, you can specify a verification token and keep a
 * copy. Verification-Token is included in the notification messages, you can compare it with your
 * own copy" (RingCentral's webhook FAQ, ringcentral-integration-for-hubspot docs/webhooks.md; the
 * API reference's NotificationDeliveryModeRequest.verificationToken). Compared in constant time
 * against every configured token (rotation); a missing header fails.
 */
export function verifyVerificationToken(request: InboundRequest, tokens: readonly string[]): VerifyResult {
  const presented = request.headers[VERIFICATION_HEADER];
  if (typeof presented !== "string") return unauthorized("the Verification-Token header is missing", VERIFICATION_HEADER);
  return matchesSecret(presented, tokens) ? { ok: true, verified: true } : unauthorized("the Verification-Token does not match", VERIFICATION_HEADER);
}
