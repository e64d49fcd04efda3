import {
  allConfigured,
  asList,
  basicPairs,
  definePlugin,
  field,
  hostAllowed,
  text,
  unauthorized,
  verifyBasicAuth,
  type FetchTextResult,
  type HostAction,
  type VerifyContext,
  type VerifyResult,
} from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { SesCredentialsSchema, type SesCredentials } from "./credentials.js";
import { eventName, SesItem, split } from "./events.js";
import { details, eventDate, eventId, externalId, response } from "./readers.js";
import { CERTIFICATE_POLICY, checkMessage, SNS_HOSTS, verifySignature, type SignedMessage } from "./sns.js";

export { EVENTS, MAPPING, type SesEvent } from "./mapping.js";
export { SesCredentialsSchema, type SesCredentials } from "./credentials.js";
export { CERTIFICATE_POLICY, MAX_AGE_SECONDS, SNS_HOSTS } from "./sns.js";

/**
 * Fails closed once credentials are configured: the message must come from a listed topic, be
 * recent, and carry a valid SNS signature by the certificate at its SigningCertURL (from the
 * credentials, else fetched by the host); basic auth is checked too when configured. Synchronous
 * unless the certificate has to be fetched.
 */
function verify({ request, credentials, now, body, host }: VerifyContext<SesCredentials>): VerifyResult | Promise<VerifyResult> {
  if (credentials === undefined) return { ok: true, verified: false, reason: "no SNS topics or basic auth are configured" };
  const decoded = body();
  if (!decoded.ok) return unauthorized(`the body is not an SNS message: ${decoded.error.message}`, "body");
  const checked = checkMessage(decoded.value, asList(credentials.topicArns), now);
  if (!checked.ok) return checked.result;
  const basic = verifyBasicAuth(request, basicPairs(credentials));
  if (!basic.ok) return basic;
  const configured = configuredCertificate(credentials, checked.message.certificateUrl);
  if (configured !== undefined) return allConfigured(verifySignature(checked.message, configured), basic);
  return fetchedVerdict(checked.message, basic, host.fetchText(checked.message.certificateUrl, CERTIFICATE_POLICY));
}

async function fetchedVerdict(message: SignedMessage, basic: VerifyResult, fetched: Promise<FetchTextResult>): Promise<VerifyResult> {
  try {
    const certificate = await fetched;
    if (!certificate.ok) return unauthorized(`the signing certificate is not available: ${certificate.reason}`, "SigningCertURL");
    return allConfigured(verifySignature(message, certificate.text), basic);
  } catch {
    return unauthorized("the signing certificate could not be fetched", "SigningCertURL");
  }
}

function configuredCertificate(credentials: SesCredentials, url: string): string | undefined {
  const certificates = credentials.certificates;
  return certificates !== undefined && Object.hasOwn(certificates, url) ? certificates[url] : undefined;
}

/**
 * SNS sends nothing until the subscription is confirmed by fetching its SubscribeURL. Only for a
 * topic the integration lists (the engine asks only after the message was verified, or the caller
 * authenticated with the environment's API key), and not when `autoConfirm` is false.
 */
function actions(body: unknown, { credentials }: { readonly credentials: SesCredentials | undefined }): readonly HostAction[] {
  if (credentials === undefined || credentials.autoConfirm === false) return [];
  if (field(body, "Type") !== "SubscriptionConfirmation") return [];
  const topic = text(field(body, "TopicArn"));
  const url = text(field(body, "SubscribeURL"));
  if (topic === undefined || url === undefined || !asList(credentials.topicArns).includes(topic) || !isSnsUrl(url)) return [];
  return [{ kind: "confirm-subscription", url, allowedHosts: SNS_HOSTS, description: `confirm the SNS subscription to ${topic}` }];
}

function isSnsUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" && hostAllowed(parsed.hostname, SNS_HOSTS);
  } catch {
    return false;
  }
}

export const ses = definePlugin({
  contractVersion: 2,
  id: "ses",
  displayName: "Amazon SES (through Amazon SNS)",
  // SNS posts its JSON as text/plain; proxies and test tools often say application/json.
  contentTypes: ["text/plain", "application/json"],
  credentials: SesCredentialsSchema,
  verify,
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName,
  read: { date: eventDate, externalId, response, eventId, details, row: (raw) => (raw instanceof SesItem ? raw.row() : undefined) },
  actions,
  setup: [
    "In Amazon SNS: create a topic and an HTTPS subscription to the integration's URL (basic-auth credentials",
    "go in the URL, `https://user:pass@...`); put the topic's ARN in the integration's `topicArns`.",
    "Tidings confirms the subscription by itself (unless `autoConfirm` is false).",
    "In Amazon SES: Configuration sets > your set > Event destinations > Add destination: tick the events",
    "and choose Amazon SNS with that topic (or, per identity, Notifications > Bounce, Complaint, Delivery feedback).",
  ].join("\n"),
});

export default ses;
