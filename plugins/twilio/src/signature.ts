import { parse, stringify } from "node:querystring";
import { formPairs, unauthorized, urlWithSortedParams, verifyHmac, type InboundRequest, type VerifyResult } from "@tidings/core";

/** Lower-cased, as hosts pass header names. */
export const SIGNATURE_HEADER = "x-twilio-signature";

/**
 * X-Twilio-Signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security): base64
 * HMAC-SHA1, keyed with the account's Auth Token, of the URL Twilio called followed by each POST
 * parameter's name and value, sorted by name, a repeated name's values sorted and de-duplicated
 * (twilio-node src/webhooks/webhooks.ts `getExpectedTwilioSignature`). The URL is configuration,
 * not the URL this request reached: a proxy that rewrites the host, scheme, path or query would
 * otherwise break every signature. Any configured token may match, for any configured URL
 * (rotation, a moved callback).
 */
export function verifySignature(request: InboundRequest, tokens: readonly string[], urls: readonly string[]): VerifyResult {
  const presented = request.headers[SIGNATURE_HEADER];
  if (!presented) return unauthorized("the X-Twilio-Signature header is missing", SIGNATURE_HEADER);
  const params = urlWithSortedParams("", formPairs(request.rawBody), { duplicates: "unique" });
  let firstFailure: VerifyResult | undefined;
  for (const url of urls) {
    for (const form of signedUrlForms(url)) {
      const verdict = verifyHmac({ algorithm: "sha1", encoding: "base64", keys: tokens, parts: [form, params], presented, location: SIGNATURE_HEADER });
      if (verdict.ok) return verdict;
      firstFailure ??= verdict;
    }
  }
  return firstFailure ?? unauthorized("no callback URL is configured to check the signature against", SIGNATURE_HEADER);
}

/** Per configured URL; configuration holds a handful, so the map stays as small. */
const formsByUrl = new Map<string, readonly string[]>();

/**
 * The texts of one configured URL that Twilio's signature may cover. twilio-node's
 * `validateRequest` accepts the URL with and without its port (the default one added when it
 * has none) and with its query string as WHATWG URL writes it or as Node's legacy querystring
 * does, "since signature generation on the back end is inconsistent"; the URL exactly as
 * configured comes first.
 */
function signedUrlForms(url: string): readonly string[] {
  let forms = formsByUrl.get(url);
  if (forms === undefined) formsByUrl.set(url, (forms = Object.freeze(formsOf(url))));
  return forms;
}

function formsOf(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const withoutPort = new URL(parsed);
  withoutPort.port = "";
  const portless = withoutPort.toString();
  const ported = parsed.port === "" ? withDefaultPort(parsed) : parsed.toString();
  return [...new Set([url, portless, ported, withLegacyQuery(portless), withLegacyQuery(ported)])];
}

/** As twilio-node writes it: the scheme's default port after the host, credentials kept. */
function withDefaultPort(url: URL): string {
  const port = url.protocol === "https:" ? ":443" : ":80";
  const credentials = url.username !== "" || url.password !== "" ? `${url.username}${url.password === "" ? "" : `:${url.password}`}@` : "";
  return `${url.protocol}//${credentials}${url.host}${port}${url.pathname}${url.search}${url.hash}`;
}

/** The query string decoded and re-encoded by Node's querystring (`'` stays, as Twilio may have signed it). */
function withLegacyQuery(url: string): string {
  const question = url.indexOf("?");
  if (question === -1) return url;
  const hash = url.indexOf("#", question);
  const query = hash === -1 ? url.slice(question + 1) : url.slice(question + 1, hash);
  return `${url.slice(0, question)}?${stringify(parse(query))}${hash === -1 ? "" : url.slice(hash)}`;
}
