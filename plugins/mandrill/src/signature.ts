import { formPairs, unauthorized, urlWithSortedParams, verifyHmac, type InboundRequest, type VerifyResult } from "@tidings/core";

/** Lower-cased, as hosts pass header names. */
export const SIGNATURE_HEADER = "x-mandrill-signature";

/**
 * When the HEAD check of a new webhook URL is not answered 200, Mandrill POSTs
 * `mandrill_events=[]` "signed with a generic key (with the value 'test-webhook')" ("Why can't my
 * webhook or inbound route URL be verified?"). That key is public, so it is accepted for exactly
 * that empty body and nothing else.
 */
export const PROBE_KEY = "test-webhook";
const EMPTY_ARRAY = /^\s*\[\s*\]\s*$/;

function isUrlProbe(pairs: readonly (readonly [string, string])[]): boolean {
  return pairs.length === 1 && pairs[0]![0] === "mandrill_events" && EMPTY_ARRAY.test(pairs[0]![1]);
}

/**
 * X-Mandrill-Signature ("Authenticating webhook requests"): base64 HMAC-SHA1, keyed with the
 * webhook's key, of the webhook URL exactly as entered at Mandrill followed by each POST field's
 * name and value, decoded, sorted by name. The URL is configuration, not the URL this request
 * reached: a proxy that rewrites it (host, scheme, path) would otherwise break every signature.
 * Any configured key may match, for any configured URL (rotation, a moved webhook).
 */
export function verifySignature(request: InboundRequest, keys: readonly string[], urls: readonly string[]): VerifyResult {
  const presented = request.headers[SIGNATURE_HEADER];
  if (!presented) return unauthorized("the X-Mandrill-Signature header is missing", SIGNATURE_HEADER);
  if (urls.length === 0) return unauthorized("no webhook URL is configured to check the signature against", SIGNATURE_HEADER);
  const pairs = formPairs(request.rawBody);
  const accepted = isUrlProbe(pairs) ? [...keys, PROBE_KEY] : keys;
  const check = (url: string) =>
    verifyHmac({ algorithm: "sha1", encoding: "base64", keys: accepted, parts: [urlWithSortedParams(url, pairs)], presented, location: SIGNATURE_HEADER });
  let verdict = check(urls[0]!);
  for (const url of urls.slice(1)) {
    if (verdict.ok) break;
    verdict = check(url);
  }
  return verdict;
}
