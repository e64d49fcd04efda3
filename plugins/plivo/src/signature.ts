import { formPairs, unauthorized, urlWithSortedParams, verifyHmac, type InboundRequest, type VerifyResult } from "@tidings/core";
import { signedUrl } from "./signed-url.js";

/**
 * Lower-cased, as hosts pass header names. The `-ma-` headers carry the same signature made with
 * the main account's Auth Token, the others with the token of the account (or subaccount) that
 * owns the message.
 */
export const HEADERS = {
  v3: "x-plivo-signature-v3",
  mainAccountV3: "x-plivo-signature-ma-v3",
  v3Nonce: "x-plivo-signature-v3-nonce",
  v2: "x-plivo-signature-v2",
  mainAccountV2: "x-plivo-signature-ma-v2",
  v2Nonce: "x-plivo-signature-v2-nonce",
} as const;

/**
 * Checks the strongest signature the request carries. V3 (which covers the URL, its query and the
 * POST fields) is checked whenever present, and a V3 that does not verify is final: a request
 * never falls back to V2, which covers neither the query nor the fields. Plivo's messaging pages
 * document V2 for message callbacks, so a request carrying only V2 is checked against it.
 * Any configured token may match, for any configured URL (rotation, a moved callback).
 */
export function verifySignature(request: InboundRequest, tokens: readonly string[], urls: readonly string[]): VerifyResult {
  const headers = request.headers;
  if (urls.length === 0) return unauthorized("no callback URL is configured to check the signature against", HEADERS.v3);
  if (headers[HEADERS.v3] || headers[HEADERS.mainAccountV3]) return verifyV3(request, tokens, urls);
  if (headers[HEADERS.v2] || headers[HEADERS.mainAccountV2]) return verifyV2(request, tokens, urls);
  return unauthorized("the request carries neither X-Plivo-Signature-V3 nor X-Plivo-Signature-V2", HEADERS.v3);
}

/**
 * X-Plivo-Signature-V3 (plivo-node lib/utils/v3Security.js `validateV3Signature` for POST): base64
 * HMAC-SHA256, keyed with the Auth Token, of the URL, then `?` and the sorted query when the URL has
 * one or the body has fields, then `.` when it has both, then each field's name and value sorted
 * by name (repeated names keep every value, sorted), then `.` and the nonce. The header may list
 * several signatures separated by commas; one match is enough.
 */
function verifyV3(request: InboundRequest, tokens: readonly string[], urls: readonly string[]): VerifyResult {
  const nonce = request.headers[HEADERS.v3Nonce];
  if (!nonce) return unauthorized("X-Plivo-Signature-V3-Nonce is missing", HEADERS.v3Nonce);
  const presented = [HEADERS.v3, HEADERS.mainAccountV3].flatMap((name) => request.headers[name]?.split(",") ?? []);
  const fields = formPairs(request.rawBody);
  const texts = urls.flatMap((url) => v3Prefixes(url, fields.length > 0)).map((prefix) => `${urlWithSortedParams(prefix, fields)}.${nonce}`);
  return firstVerified(texts, tokens, presented, HEADERS.v3);
}

function v3Prefixes(url: string, hasFields: boolean): string[] {
  const { base, baseWithUserInfo, sortedQuery } = signedUrl(url);
  const query = sortedQuery !== "" || hasFields ? `?${sortedQuery}` : "";
  const separator = sortedQuery !== "" && hasFields ? "." : "";
  return withUserInfo(base, baseWithUserInfo).map((origin) => origin + query + separator);
}

/**
 * X-Plivo-Signature-V2 (plivo-node lib/utils/security.js `validateSignature`; "Validating
 * requests" in Plivo's messaging docs): base64 HMAC-SHA256, keyed with the Auth Token, of the URL
 * without its query, followed by the nonce. Neither the body nor the query is signed.
 */
function verifyV2(request: InboundRequest, tokens: readonly string[], urls: readonly string[]): VerifyResult {
  const nonce = request.headers[HEADERS.v2Nonce];
  if (!nonce) return unauthorized("X-Plivo-Signature-V2-Nonce is missing", HEADERS.v2Nonce);
  const presented = [HEADERS.v2, HEADERS.mainAccountV2].flatMap((name) => request.headers[name] ?? []);
  const texts = urls.flatMap((url) => {
    const { base, baseWithUserInfo } = signedUrl(url);
    return withUserInfo(base, baseWithUserInfo).map((origin) => origin + nonce);
  });
  return firstVerified(texts, tokens, presented, HEADERS.v2);
}

/**
 * plivo-node leaves the URL's user info out of the signed text, plivo-python keeps it; a URL that
 * carries basic auth credentials is checked both ways.
 */
function withUserInfo(base: string, baseWithUserInfo: string | undefined): string[] {
  return baseWithUserInfo === undefined ? [base] : [base, baseWithUserInfo];
}

function firstVerified(texts: readonly string[], tokens: readonly string[], presented: readonly string[], location: string): VerifyResult {
  let verdict: VerifyResult = unauthorized("the signature does not verify", location);
  for (const text of texts) {
    verdict = verifyHmac({ algorithm: "sha256", encoding: "base64", keys: tokens, parts: [text], presented, location });
    if (verdict.ok) break;
  }
  return verdict;
}
