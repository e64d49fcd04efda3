import { checkTimestamp, field, hostAllowed, text, unauthorized, verifyAsymmetric, type FetchPolicy, type VerifyResult } from "@tidings/core";

/**
 * Amazon SNS message signatures ("Verifying the signatures of Amazon SNS messages",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html; the same rules
 * as AWS's own validators, aws-js-sns-message-validator and aws-php-sns-message-validator).
 * SNS signs a canonical text of named fields, not the body bytes, with the key of the X.509
 * certificate at `SigningCertURL`: SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2.
 */

/** Where SNS publishes its signing certificates: `sns.<region>.amazonaws.com` and the China partition. */
export const SNS_HOSTS: readonly string[] = Object.freeze(["sns.*.amazonaws.com", "sns.*.amazonaws.com.cn"]);

export const CERTIFICATE_POLICY: FetchPolicy = Object.freeze({ allowedHosts: SNS_HOSTS, purpose: "Amazon SNS signing certificate" });

/** The certificate files SNS names (`/SimpleNotificationService-<hex>.pem`); nothing else on those hosts is fetched. */
const CERTIFICATE_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]{1,128}\.pem$/;

/**
 * SNS retries an HTTP/S delivery for at most 3,600 s in total (a hard limit, "Amazon SNS message
 * delivery retries") and every retry carries the original Timestamp and signature; five minutes
 * more absorb clock skew. Older signed messages are replays.
 */
export const MAX_AGE_SECONDS = 3_600 + 300;

/** The fields each message type signs, in byte order; `Subject` only when present. */
const SIGNED_FIELDS = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
  UnsubscribeConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
} as const;
export type SnsType = keyof typeof SIGNED_FIELDS;

const OPTIONAL_FIELDS: ReadonlySet<string> = new Set(["Subject"]);

const SCHEMES = { "1": "rsa-sha1", "2": "rsa-sha256" } as const;

export function isSnsType(value: unknown): value is SnsType {
  return typeof value === "string" && Object.hasOwn(SIGNED_FIELDS, value);
}

/** What a message signs and how, once its shape, topic, age and certificate URL have passed. */
export interface SignedMessage {
  readonly type: SnsType;
  readonly certificateUrl: string;
  readonly scheme: (typeof SCHEMES)[keyof typeof SCHEMES];
  readonly signature: string;
  readonly stringToSign: string;
}

export type Checked = { readonly ok: true; readonly message: SignedMessage } | { readonly ok: false; readonly result: VerifyResult };

/**
 * Everything about a message that needs no certificate, checked first so that nothing is fetched
 * for a message that would be refused anyway: the SNS type, the topic allow-list, the signed
 * Timestamp's age, the signature version, the certificate URL and the signed fields themselves.
 */
export function checkMessage(body: unknown, topics: readonly string[], now: Date): Checked {
  const type = field(body, "Type");
  if (!isSnsType(type)) return refuse("the body is not an SNS Notification, SubscriptionConfirmation or UnsubscribeConfirmation", "Type");
  const topic = text(field(body, "TopicArn"));
  if (topic === undefined || !topics.includes(topic)) return refuse(`the topic ${topic ?? "(none)"} is not one of the integration's topicArns`, "TopicArn");
  const timestamp = text(field(body, "Timestamp"));
  const time = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  if (!Number.isSafeInteger(time)) return refuse("the Timestamp is missing or not a date", "Timestamp");
  const stale = checkTimestamp(time, now, { maxAgeSeconds: MAX_AGE_SECONDS, unit: "milliseconds", location: "Timestamp" });
  if (stale !== undefined) return { ok: false, result: stale };
  const version = text(field(body, "SignatureVersion"));
  const scheme = version === "1" || version === "2" ? SCHEMES[version] : undefined;
  if (scheme === undefined) return refuse(`SignatureVersion ${version ?? "(none)"} is not 1 or 2`, "SignatureVersion");
  const signature = text(field(body, "Signature"));
  if (signature === undefined) return refuse("the signature is missing", "Signature");
  const certificateUrl = text(field(body, "SigningCertURL"));
  const urlProblem = certificateUrlProblem(certificateUrl);
  if (urlProblem !== undefined) return refuse(urlProblem, "SigningCertURL");
  const stringToSign = canonical(body, type);
  if (typeof stringToSign !== "string") return stringToSign;
  return { ok: true, message: { type, certificateUrl: certificateUrl!, scheme, signature, stringToSign } };
}

/** "name\nvalue\n" for each signed field, in the documented order. */
function canonical(body: unknown, type: SnsType): string | Checked {
  let signed = "";
  for (const name of SIGNED_FIELDS[type]) {
    const value = field(body, name);
    if ((value === undefined || value === null) && OPTIONAL_FIELDS.has(name)) continue;
    if (typeof value !== "string") return refuse(`the signed field ${name} is missing or not text`, name);
    signed += `${name}\n${value}\n`;
  }
  return signed;
}

/** Why SNS would never sign with a certificate at this URL, or undefined when it might. */
export function certificateUrlProblem(url: string | undefined): string | undefined {
  if (url === undefined) return "the SigningCertURL is missing";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "the SigningCertURL is not a URL";
  }
  if (parsed.protocol !== "https:") return "the SigningCertURL is not https";
  if (parsed.username !== "" || parsed.password !== "" || parsed.port !== "" || parsed.search !== "" || parsed.hash !== "") {
    return "the SigningCertURL carries credentials, a port, a query or a fragment";
  }
  if (!hostAllowed(parsed.hostname, SNS_HOSTS)) return `the SigningCertURL's host ${parsed.hostname} is not an Amazon SNS host`;
  if (!CERTIFICATE_PATH.test(parsed.pathname)) return "the SigningCertURL does not name an SNS certificate file";
  return undefined;
}

/** The signature against the certificate (PEM): RSA PKCS#1 v1.5 with the version's hash. */
export function verifySignature(message: SignedMessage, certificate: string): VerifyResult {
  return verifyAsymmetric({
    scheme: message.scheme,
    publicKeys: [certificate],
    data: [message.stringToSign],
    signature: message.signature,
    location: "Signature",
  });
}

function refuse(message: string, location: string): { ok: false; result: VerifyResult } {
  return { ok: false, result: unauthorized(message, location) };
}
