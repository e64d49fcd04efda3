import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { inboundRequest, normalizeAsync, validatorFor, type Normalized, type NormalizeOutcome } from "@tidings/core";
import { describe, expect, it } from "vitest";
import { SesCredentialsSchema, ses } from "../src/index.js";
import { confirmationOf, CREDENTIALS, NOW, notificationOf, OTHER_TOPIC, signEnvelope, TOPIC, type Envelope } from "./support.js";

const credentials = SesCredentialsSchema.parse(CREDENTIALS);

async function accepted(envelope: Envelope, options: { credentials?: unknown; authenticated?: boolean } = {}): Promise<Normalized> {
  const outcome: NormalizeOutcome = await normalizeAsync(ses, inboundRequest({ headers: { "content-type": "text/plain" }, body: JSON.stringify(envelope) }), {
    credentials: "credentials" in options ? options.credentials : credentials,
    authenticated: options.authenticated ?? false,
    now: NOW,
  });
  if (!outcome.ok) throw new Error(`refused: ${outcome.error.message}`);
  return outcome;
}

const mail = { timestamp: "2026-01-15T09:50:00.000Z", messageId: "0100019bc1f2-mail", destination: ["a@example.com", "b@example.com"] };

function event(type: string, own: Record<string, unknown> = {}, key = "eventType"): Envelope {
  const field = { Bounce: "bounce", Complaint: "complaint", DeliveryDelay: "deliveryDelay", Subscription: "subscription", Delivery: "delivery" }[type];
  return signEnvelope(notificationOf({ [key]: type, mail, ...(field === undefined ? {} : { [field]: own }) }));
}

describe("names refined from SES's own fields", () => {
  const bounce = (bounceType: string, bounceSubType: string) => event("Bounce", { bounceType, bounceSubType, timestamp: "2026-01-15T09:55:00.000Z", bouncedRecipients: [{ emailAddress: "a@example.com" }] });
  it.each([
    ["Bounce:Permanent", "bounced", bounce("Permanent", "General")],
    ["Bounce:Permanent", "bounced", bounce("permanent", "NOEMAIL")],
    ["Bounce:Permanent:Suppressed", "dropped", bounce("Permanent", "Suppressed")],
    ["Bounce:Permanent:OnAccountSuppressionList", "dropped", bounce("Permanent", "OnAccountSuppressionList")],
    ["Bounce:Transient", "bounced", bounce("Transient", "MailboxFull")],
    ["Bounce:Transient:ContentRejected", "blocked", bounce("Transient", "ContentRejected")],
    ["Bounce:Transient", "bounced", bounce("Transient", "Suppressed")],
    ["Bounce:Undetermined", "bounced", bounce("Undetermined", "Undetermined")],
    ["Bounce", "bounced", bounce("Sideways", "General")],
    ["DeliveryDelay:SendingDeferral", "delayed", event("DeliveryDelay", { delayType: "SendingDeferral", timestamp: "2026-01-15T09:55:00.000Z", delayedRecipients: [{ emailAddress: "a@example.com" }] })],
    ["DeliveryDelay:MailboxFull", "deferred", event("DeliveryDelay", { delayType: "mailboxfull", timestamp: "2026-01-15T09:55:00.000Z", delayedRecipients: [{ emailAddress: "a@example.com" }] })],
    ["DeliveryDelay", "deferred", event("DeliveryDelay", { delayType: "NewKind", timestamp: "2026-01-15T09:55:00.000Z", delayedRecipients: [{ emailAddress: "a@example.com" }] })],
    ["Complaint:OnAccountSuppressionList", "dropped", event("Complaint", { complaintSubType: "OnAccountSuppressionList", timestamp: "2026-01-15T09:55:00.000Z", complainedRecipients: [{ emailAddress: "a@example.com" }] })],
  ])("%s -> %s", async (_name, status, envelope) => {
    const outcome = await accepted(envelope);
    expect(outcome.results.map((result) => result.event.status)).toEqual([status]);
  });

  it("ignores a complaint the reporter marks not-spam, and a subscription change that opts nothing out", async () => {
    const notSpam = await accepted(event("Complaint", { complaintFeedbackType: "not-spam", timestamp: "2026-01-15T09:55:00.000Z", complainedRecipients: [{ emailAddress: "a@example.com" }] }));
    expect(notSpam.ignored.map((item) => item.name)).toEqual(["Complaint:not-spam"]);
    const preferences = (status: string) => ({ unsubscribeAll: false, topicSubscriptionStatus: [{ topicName: "News", subscriptionStatus: status }] });
    const optIn = await accepted(event("Subscription", { timestamp: "2026-01-15T09:55:00.000Z", newTopicPreferences: preferences("OptIn"), oldTopicPreferences: preferences("OptOut") }));
    expect(optIn.ignored.map((item) => item.name)).toEqual(["Subscription"]);
    const topicOut = await accepted(event("Subscription", { timestamp: "2026-01-15T09:55:00.000Z", newTopicPreferences: preferences("OptOut"), oldTopicPreferences: preferences("OptIn") }));
    expect(topicOut.results.map((result) => result.event.status)).toEqual(["unsubscribed"]);
  });

  it("reads identity notifications (notificationType) like event publishing (eventType)", async () => {
    const own = { timestamp: "2026-01-15T09:55:00.000Z", recipients: ["a@example.com"], smtpResponse: "250 ok" };
    const published = await accepted(event("Delivery", own));
    const notified = await accepted(event("Delivery", own, "notificationType"));
    expect(notified.results).toEqual(published.results.map((result) => ({ ...result, event: { ...result.event, row: expect.any(String) } })));
  });
});

describe("one event per recipient", () => {
  it("gives each recipient its own stable id, recipient and SMTP details", async () => {
    const envelope = event("Bounce", {
      bounceType: "Permanent",
      bounceSubType: "General",
      timestamp: "2026-01-15T09:55:00.000Z",
      bouncedRecipients: [
        { emailAddress: "a@example.com", status: "5.1.1", diagnosticCode: "smtp; 550 5.1.1 user unknown" },
        { emailAddress: "b@example.com", status: "5.2.2", diagnosticCode: "smtp; 552 5.2.2 mailbox full" },
        { action: "failed" },
      ],
    });
    const first = await accepted(envelope);
    const again = await accepted(envelope);
    const messageId = envelope["MessageId"];
    expect(first.results.map((result) => result.id)).toEqual([`${messageId}#a@example.com`, `${messageId}#b@example.com`, `${messageId}#2`]);
    expect(again.results.map((result) => result.id)).toEqual(first.results.map((result) => result.id));
    expect(first.results.map((result) => result.details)).toMatchObject([
      { recipient: "a@example.com", smtpCode: "550", enhancedStatus: "5.1.1", mtaResponse: "550 5.1.1 user unknown" },
      { recipient: "b@example.com", smtpCode: "552", enhancedStatus: "5.2.2" },
      { bounceClass: "hard" },
    ]);
    expect(first.results[2]!.details).not.toHaveProperty("recipient");
  });

  it("names no recipient for a message-wide event sent to several, and the only one when there is one", async () => {
    const open = { eventType: "Open", open: { timestamp: "2026-01-15T09:56:00.000Z", ipAddress: "192.0.2.1", userAgent: "Mail" } };
    const several = await accepted(signEnvelope(notificationOf({ ...open, mail })));
    expect(several.results[0]!.details).not.toHaveProperty("recipient");
    const one = await accepted(signEnvelope(notificationOf({ ...open, mail: { ...mail, destination: ["a@example.com"] } })));
    expect(one.results[0]!.details).toMatchObject({ recipient: "a@example.com", ip: "192.0.2.1", userAgent: "Mail" });
  });
});

describe("dates", () => {
  it("are the event's own time, else the send time", async () => {
    const delivered = await accepted(event("Delivery", { timestamp: "2026-01-15T09:55:00.000Z", recipients: ["a@example.com"] }));
    expect(delivered.results[0]!.event.date).toBe("2026-01-15T09:55:00.000Z");
    const untimed = await accepted(event("Delivery", { recipients: ["a@example.com"] }));
    expect(untimed.results[0]!.event.date).toBe("2026-01-15T09:50:00.000Z");
    const send = await accepted(signEnvelope(notificationOf({ eventType: "Send", mail, send: {} })));
    expect(send.results[0]!.event.date).toBe("2026-01-15T09:50:00.000Z");
  });
});

describe("notifications that are not SES events", () => {
  it("ignores SES's topic validation text and reports other text as invalid, keeping it", async () => {
    const validated = await accepted(signEnvelope(notificationOf("Successfully validated SNS topic for Amazon SES event publishing.")));
    expect(validated).toMatchObject({ results: [], unmapped: [], ignored: [{ name: "TopicValidated" }] });
    for (const text of ["Hello world!", "[1,2]", "{not json"]) {
      const other = await accepted(signEnvelope(notificationOf(text)));
      expect(other).toMatchObject({ results: [], ignored: [], unmapped: [{ code: "invalid_event" }] });
      expect(other.unmapped[0]!.row).toContain(JSON.stringify(text).slice(1, -1));
    }
  });

  it("reads the Message as core reads a body: byte-order mark, lone surrogates, big integers, depth limit", async () => {
    const delivery = { eventType: "Delivery", mail, delivery: { timestamp: "2026-01-15T09:55:00.000Z", recipients: ["a@example.com"] } };
    const json = JSON.stringify(delivery);
    const statuses = async (message: string) => (await accepted(notificationOf(message), { authenticated: true })).results.map((result) => result.event.status);
    expect(await statuses(`\uFEFF${json}`)).toEqual(["delivered"]);
    expect(await statuses(` \n${json}\n`)).toEqual(["delivered"]);
    // UTF-8 decoding replaces a lone surrogate, as it would in a body.
    const lone = { ...delivery, delivery: { ...delivery.delivery, recipients: ["a\uD800@example.com"] } };
    // The Message text itself holds the lone surrogate (JSON.stringify would escape it).
    const surrogate = await accepted(notificationOf(JSON.stringify(lone).replace("\\ud800", "\uD800")), { authenticated: true });
    expect(surrogate.results[0]!.details?.recipient).toBe("a\uFFFD@example.com");
    const big = await accepted(notificationOf(json.replace('"mail":{', '"mail":{"big":12345678901234567890,')), { authenticated: true });
    expect(big.results[0]!.event.row).toContain('"big":"12345678901234567890"');
    const deep = await accepted(notificationOf(json.replace('"mail":{', `"deep":${"[".repeat(70)}${"]".repeat(70)},"mail":{`)), { authenticated: true });
    expect(deep).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });

  it("never throws and keeps everything well formed, whatever JSON the Message holds", async () => {
    const validate = validatorFor("normalized-result");
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.constantFrom("eventType", "notificationType", "mail", "bounce", "__proto__", "constructor"), fc.jsonValue({ maxDepth: 3 }))), async (value) => {
        const outcome = await accepted(notificationOf(JSON.stringify(value)), { authenticated: true });
        for (const result of outcome.results) expect(validate(result)).toBe(true);
        expect(outcome.results.length + outcome.ignored.length + outcome.unmapped.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe("subscription confirmation", () => {
  const confirmation = signEnvelope(confirmationOf("SubscriptionConfirmation"));

  it("asks the host to GET the SubscribeURL for a listed topic, under SNS's host patterns", async () => {
    const outcome = await accepted(confirmation);
    expect(outcome.actions).toEqual([
      { kind: "confirm-subscription", url: confirmation["SubscribeURL"], allowedHosts: ["sns.*.amazonaws.com", "sns.*.amazonaws.com.cn"], description: `confirm the SNS subscription to ${TOPIC}` },
    ]);
    expect(outcome).toMatchObject({ results: [], unmapped: [], ignored: [{ name: "SubscriptionConfirmation" }] });
  });

  it("asks nothing when autoConfirm is false, for an unlisted topic, a foreign URL, without credentials, or for other messages", async () => {
    expect((await accepted(confirmation, { credentials: SesCredentialsSchema.parse({ ...CREDENTIALS, autoConfirm: false }) })).actions).toEqual([]);
    expect((await accepted(confirmation, { credentials: SesCredentialsSchema.parse({ ...CREDENTIALS, topicArns: [OTHER_TOPIC] }), authenticated: true })).actions).toEqual([]);
    const foreign = signEnvelope(confirmationOf("SubscriptionConfirmation", { SubscribeURL: "https://attacker.example/?Action=ConfirmSubscription" }));
    expect((await accepted(foreign)).actions).toEqual([]);
    expect((await accepted(confirmation, { credentials: undefined })).actions).toEqual([]);
    expect((await accepted(signEnvelope(confirmationOf("UnsubscribeConfirmation")))).actions).toEqual([]);
    expect((await accepted(signEnvelope(notificationOf({ eventType: "Send", mail, send: {} })))).actions).toEqual([]);
  });
});

describe("ses rows", () => {
  it("write each recipient's row from the Message's text, as serializing the event would", async () => {
    const { loadFixtures, fixtureRequest } = await import("@tidings/core/fixtures");
    const serialized = { ...ses, read: { ...ses.read, row: undefined } };
    const fixtures = loadFixtures([fileURLToPath(new URL("../../../fixtures/ses/", import.meta.url))]);
    let compared = 0;
    for (const loaded of fixtures) {
      if (!loaded.ok || !("events" in loaded.fixture.expect)) continue;
      const { fixture } = loaded;
      const options = { authenticated: true, now: fixture.now === undefined ? NOW : new Date(fixture.now) };
      const ours = await normalizeAsync(ses, fixtureRequest(fixture), options);
      const theirs = await normalizeAsync(serialized, fixtureRequest(fixture), options);
      if (!ours.ok || !theirs.ok) continue;
      expect(ours.results.map((r) => JSON.parse(r.event.row!))).toEqual(theirs.results.map((r) => JSON.parse(r.event.row!)));
      expect(ours.results.map((r) => r.id)).toEqual(theirs.results.map((r) => r.id));
      compared += ours.results.length;
    }
    expect(compared).toBeGreaterThan(10);
  });
});
