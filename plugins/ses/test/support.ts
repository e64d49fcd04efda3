import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import type { SuiteRequest } from "@tidings/testkit";

/** Test keys from fixtures/ses/keys (make.sh): `signing` stands in for SNS's certificate, `other` signs nothing valid. */
const keys = new URL("../../../fixtures/ses/keys/", import.meta.url);
export const SIGNING_KEY: KeyObject = createPrivateKey(readFileSync(new URL("signing.key", keys), "utf8"));
export const OTHER_KEY: KeyObject = createPrivateKey(readFileSync(new URL("other.key", keys), "utf8"));
export const CERTIFICATE = readFileSync(new URL("signing.crt", keys), "utf8");
export const OTHER_CERTIFICATE = readFileSync(new URL("other.crt", keys), "utf8");

export const NOW = new Date("2026-01-15T10:00:00.000Z");
export const TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events";
export const OTHER_TOPIC = "arn:aws-cn:sns:cn-north-1:123456789012:ses-events.fifo";
export const CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";
export const CN_CERT_URL = "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-3242f6a3b4f3c6e4e2ec2d3ad2b2bd1d.pem";

export const CREDENTIALS = { topicArns: [TOPIC, OTHER_TOPIC], certificates: { [CERT_URL]: CERTIFICATE, [CN_CERT_URL]: CERTIFICATE } };

export type Envelope = Record<string, string>;

const SIGNED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
  UnsubscribeConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

/** Signs as SNS does: the named fields present, "name\nvalue\n" each, SHA1 (version 1) or SHA256 (version 2) with RSA. */
export function signEnvelope(envelope: Envelope, key: KeyObject = SIGNING_KEY): Envelope {
  const text = (SIGNED_FIELDS[envelope["Type"]!] ?? []).filter((name) => envelope[name] !== undefined).map((name) => `${name}\n${envelope[name]}\n`).join("");
  const algorithm = envelope["SignatureVersion"] === "2" ? "RSA-SHA256" : "RSA-SHA1";
  return { ...envelope, Signature: sign(algorithm, Buffer.from(text, "utf8"), key).toString("base64") };
}

export function notificationOf(event: unknown, overrides: Partial<Envelope> = {}): Envelope {
  return {
    Type: "Notification",
    MessageId: "6f1d1c49-1d3b-5b1f-8b0e-4f1b7b1c2d3e",
    TopicArn: TOPIC,
    Message: typeof event === "string" ? event : JSON.stringify(event),
    Timestamp: new Date(NOW.getTime() - 60_000).toISOString(),
    SignatureVersion: "1",
    SigningCertURL: CERT_URL,
    UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:c9135db0-26c4-47ec-8998-413945fb5a96`,
    ...overrides,
  };
}

export function confirmationOf(type: "SubscriptionConfirmation" | "UnsubscribeConfirmation", overrides: Partial<Envelope> = {}): Envelope {
  const token = "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736";
  return {
    Type: type,
    MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
    Token: token,
    TopicArn: TOPIC,
    Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=${token}`,
    Timestamp: new Date(NOW.getTime() - 60_000).toISOString(),
    SignatureVersion: "1",
    SigningCertURL: CERT_URL,
    ...overrides,
  };
}

export function requestOf(envelope: Envelope, headers: Record<string, string> = {}, contentType: SuiteRequest["contentType"] = "text/plain"): SuiteRequest {
  return { contentType, body: JSON.stringify(envelope, null, 2), headers: { "x-amz-sns-message-type": envelope["Type"] ?? "", ...headers } };
}

/* ---- arbitraries: valid SNS requests carrying an SES event of a given name ---- */

const isoDate = fc.date({ min: new Date("2016-01-01T00:00:00Z"), max: new Date("2025-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString());
const address = fc.emailAddress({ size: "small" });
const someCase = (value: string) => fc.constantFrom(value, value.toLowerCase(), value.toUpperCase());

/** Message tags as SES writes them (key -> list of values), SES's own and the sender's, a prototype key among them. */
const tags = fc
  .array(fc.tuple(fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/), fc.constantFrom("ses:configuration-set", "ses:source-ip", "__proto__")), fc.array(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), { minLength: 1, maxLength: 2 })), { maxLength: 4 })
  .map((pairs) => Object.fromEntries(pairs));

const mail = fc.record({
  timestamp: isoDate,
  messageId: fc.stringMatching(/^[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f-]{27}-000000$/),
  source: address,
  destination: fc.array(address, { minLength: 1, maxLength: 3 }),
  tags,
});

const dsnRecipient = fc.record(
  { emailAddress: address, status: fc.constantFrom("5.1.1", "4.4.7", "5.7.1"), action: fc.constant("failed"), diagnosticCode: fc.constantFrom("smtp; 550 5.1.1 user unknown", "smtp; 421 4.4.1 Unable to connect", "X-Postfix; host said") },
  { requiredKeys: ["emailAddress"] },
);

const BOUNCE_SUBTYPES: Readonly<Record<string, readonly string[]>> = {
  Permanent: ["General", "NoEmail"],
  Transient: ["General", "MailboxFull", "MessageTooLarge"],
  Undetermined: ["Undetermined"],
};

function bounce(name: string): fc.Arbitrary<Record<string, unknown>> {
  const [, type, subtype] = name.split(":");
  const bounceType = type === undefined ? fc.constantFrom(undefined, "", "Other") : someCase(type);
  const bounceSubType = subtype !== undefined ? someCase(subtype) : fc.constantFrom(...(BOUNCE_SUBTYPES[type ?? ""] ?? ["General"]));
  return fc.record({ bounceType, bounceSubType, bouncedRecipients: fc.array(dsnRecipient, { minLength: 1, maxLength: 3 }), timestamp: isoDate, feedbackId: fc.uuid() }).map(({ bounceType: t, ...rest }) => (t === undefined ? rest : { bounceType: t, ...rest }));
}

function complaint(name: string): fc.Arbitrary<Record<string, unknown>> {
  const [, refinement] = name.split(":");
  const base = { complainedRecipients: fc.array(fc.record({ emailAddress: address }), { minLength: 1, maxLength: 3 }), timestamp: isoDate, feedbackId: fc.uuid(), userAgent: fc.constant("AnyCompany Feedback Loop (V0.01)") };
  if (refinement === "OnAccountSuppressionList") return fc.record({ ...base, complaintSubType: someCase("OnAccountSuppressionList") });
  if (refinement === "not-spam") return fc.record({ ...base, complaintFeedbackType: someCase("not-spam") });
  return fc.record({ ...base, complaintFeedbackType: fc.constantFrom("abuse", "fraud", "virus", "other", "auth-failure") }, { requiredKeys: ["complainedRecipients", "timestamp"] });
}

function deliveryDelay(name: string): fc.Arbitrary<Record<string, unknown>> {
  const [, delayType] = name.split(":");
  return fc.record({
    delayType: delayType === undefined ? fc.constantFrom("SomethingNew", "") : someCase(delayType),
    delayedRecipients: fc.array(fc.record({ emailAddress: address, status: fc.constant("4.4.1"), diagnosticCode: fc.constant("smtp; 421 4.4.1 Unable to connect to remote host") }), { minLength: 1, maxLength: 3 }),
    expirationTime: isoDate,
    timestamp: isoDate,
  });
}

function subscription(name: string): fc.Arbitrary<Record<string, unknown>> {
  const out = name === "Subscription:unsubscribed";
  const preferences = (unsubscribeAll: boolean, status: string) => ({ unsubscribeAll, topicSubscriptionStatus: [{ topicName: "Newsletter", subscriptionStatus: status }] });
  return fc.record({
    contactList: fc.constant("ContactListName"),
    timestamp: isoDate,
    source: fc.constant("UnsubscribeHeader"),
    newTopicPreferences: out ? fc.constantFrom(preferences(true, "OptIn"), preferences(false, "OptOut")) : fc.constant(preferences(false, "OptIn")),
    oldTopicPreferences: fc.constant(preferences(false, "OptIn")),
  });
}

/** The type's own object, as documented, for each SES event type. */
function ownObject(name: string): [string, fc.Arbitrary<unknown>] | undefined {
  const type = name.split(":")[0];
  switch (type) {
    case "Send":
      return ["send", fc.constant({})];
    case "Reject":
      return ["reject", fc.constant({ reason: "Bad content" })];
    case "Bounce":
      return ["bounce", bounce(name)];
    case "Complaint":
      return ["complaint", complaint(name)];
    case "Delivery":
      return ["delivery", fc.record({ timestamp: isoDate, recipients: fc.array(address, { minLength: 1, maxLength: 3 }), smtpResponse: fc.constantFrom("250 2.6.0 Message received", "250 ok") })];
    case "Open":
      return ["open", fc.record({ ipAddress: fc.ipV4(), timestamp: isoDate, userAgent: fc.string({ minLength: 1, maxLength: 30 }) })];
    case "Click":
      return ["click", fc.record({ ipAddress: fc.ipV4(), link: fc.webUrl(), linkTags: tags, timestamp: isoDate, userAgent: fc.string({ minLength: 1, maxLength: 30 }) })];
    case "Rendering Failure":
      return ["failure", fc.constant({ errorMessage: "Attribute 'name' is not present in the rendering data.", templateName: "MyTemplate" })];
    case "DeliveryDelay":
      return ["deliveryDelay", deliveryDelay(name)];
    case "Subscription":
      return ["subscription", subscription(name)];
    default:
      return undefined;
  }
}

/** An SES event named `name` (documented, refined or not), under eventType or, as identity notifications say, notificationType. */
export function sesEventOf(name: string): fc.Arbitrary<Record<string, unknown>> {
  if (name === "AmazonSnsSubscriptionSucceeded") return fc.constant({ notificationType: name, message: `You have successfully subscribed your Amazon SNS topic '${TOPIC}' to receive 'Bounce' notifications from Amazon SES for identity 'example.com'.` });
  const own = ownObject(name);
  const type = own === undefined ? name : name.split(":")[0]!;
  return fc.record({ key: fc.constantFrom("eventType", "notificationType"), mail, value: own?.[1] ?? fc.constant(undefined) }).map(({ key, mail: m, value }) => ({ [key]: type, mail: m, ...(own === undefined ? {} : { [own[0]]: value }) }));
}

const envelopeOptions = fc.record({
  MessageId: fc.uuid(),
  TopicArn: fc.constantFrom(TOPIC, OTHER_TOPIC),
  SigningCertURL: fc.constantFrom(CERT_URL, CN_CERT_URL),
  SignatureVersion: fc.constantFrom("1", "2"),
  Timestamp: fc.integer({ min: 0, max: 3_600_000 }).map((age) => new Date(NOW.getTime() - age).toISOString()),
});

/** A signed SNS request carrying `name`: an SES event, SES's prose validation, or an SNS confirmation. */
export function sesRequest(name: string): fc.Arbitrary<SuiteRequest> {
  const contentType = fc.constantFrom<SuiteRequest["contentType"]>("text/plain", "application/json");
  if (name === "SubscriptionConfirmation" || name === "UnsubscribeConfirmation") {
    return fc.tuple(envelopeOptions, contentType).map(([options, type]) => requestOf(signEnvelope(confirmationOf(name, options)), {}, type));
  }
  const message =
    name === "TopicValidated"
      ? fc.constant("Successfully validated SNS topic for Amazon SES event publishing.")
      : fc.tuple(sesEventOf(name), fc.constantFrom("", "\n")).map(([event, end]) => JSON.stringify(event) + end);
  return fc.tuple(message, envelopeOptions, contentType).map(([text, options, type]) => requestOf(signEnvelope(notificationOf(text, options)), {}, type));
}
