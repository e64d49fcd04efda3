import { basicAuthHeader, rowHash, inboundRequest, normalize, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { MAX_RECIPIENTS, ringcentral, VERIFICATION_HEADER } from "../src/index.js";
import { CREDENTIALS, ringcentralRequest, USERNAME } from "./requests.js";

const NOW = new Date("2026-01-15T10:00:00.000Z");

testPlugin({ plugin: ringcentral, credentials: CREDENTIALS, now: NOW, requestFor: ringcentralRequest });

const UUID = "3396141852418552739";
const notification = (body: Record<string, unknown>, envelope: Record<string, unknown> = {}) => ({
  uuid: UUID,
  event: "/restapi/v1.0/account/405150459033/a2p-sms/messages?direction=Outbound",
  subscriptionId: "417eaa6f-e2bd-4b37-adae-868de87d20e1",
  ownerId: "405150459033",
  timestamp: "2021-05-26T04:16:08.244Z",
  body: { id: "7086", from: "+13102375087", to: ["+14842910071"], direction: "Outbound", lastModifiedTime: "2021-05-26T04:16:08.107007Z", ...body },
  ...envelope,
});
const run = (raw: unknown) =>
  normalize(ringcentral, inboundRequest({ headers: { "content-type": "application/json" }, body: typeof raw === "string" ? raw : JSON.stringify(raw) }), { now: NOW });
const only = (raw: unknown) => {
  const outcome = run(raw);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
};
const first = (raw: unknown) => only(raw).results[0];

describe("ringcentral statuses", () => {
  it("maps each documented status, whatever its case", () => {
    const expected = { Queued: "queued", Sent: "sent", Delivered: "delivered", DeliveryFailed: "undelivered", SendingFailed: "failed" };
    for (const [status, mapped] of Object.entries(expected)) {
      for (const written of [status, status.toLowerCase(), status.toUpperCase()]) {
        expect(first(notification({ messageStatus: written }))?.event.status).toBe(mapped);
      }
    }
  });

  it("keeps Received, inbound messages of any status and change summaries as ignored", () => {
    expect(only(notification({ messageStatus: "Received" })).ignored.map((i) => i.name)).toEqual(["Received"]);
    expect(only(notification({ messageStatus: "Delivered", direction: "Inbound" })).ignored.map((i) => i.name)).toEqual(["Inbound"]);
    expect(only(notification({ messageStatus: "Delivered", direction: "inbound" })).ignored.map((i) => i.name)).toEqual(["Inbound"]);
    const summary = { uuid: UUID, timestamp: "2014-04-29T14:29:27.408+0000", body: { lastUpdated: "2014-04-29T14:29:20.531+0000", changes: [] } };
    expect(only(summary)).toMatchObject({ results: [], ignored: [{ name: "changes", id: UUID }] });
  });

  it("says a delivery failure the carrier could not confirm was sent, and only for SMS-CAR-104 and SMS-CAR-199", () => {
    const failed = (errorCode: string) => first(notification({ messageStatus: "DeliveryFailed", errorCode }))?.event.status;
    expect(failed("SMS-CAR-104")).toBe("sent");
    expect(failed("sms-car-199")).toBe("sent");
    expect(failed("SMS-CAR-1040")).toBe("undelivered");
    expect(failed("SMS-CAR-411")).toBe("undelivered");
    expect(first(notification({ messageStatus: "SendingFailed", errorCode: "SMS-CAR-104" }))?.event.status).toBe("failed");
  });

  it("leaves an undocumented status unmapped under its name, and a record without one as invalid", () => {
    expect(only(notification({ messageStatus: "Expired" }))).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: "Expired" }] });
    expect(only(notification({}))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(only(notification({ messageStatus: ["Sent"] }))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });
});

describe("ringcentral recipients", () => {
  const group = notification({
    id: 320272588010,
    messageStatus: "Queued",
    to: [
      { phoneNumber: "18555553732", messageStatus: "Delivered" },
      { phoneNumber: "18555553733", messageStatus: "DeliveryFailed" },
      { phoneNumber: "18555553734" },
    ],
  });

  it("gives one result per recipient, with the recipient's own status when it has one and the message's otherwise", () => {
    expect(only(group).results.map((r) => [r.id, r.event.status, r.event.externalId, r.details?.recipient])).toEqual([
      [`${UUID}#18555553732`, "delivered", "320272588010", "18555553732"],
      [`${UUID}#18555553733`, "undelivered", "320272588010", "18555553733"],
      [`${UUID}#18555553734`, "queued", "320272588010", "18555553734"],
    ]);
  });

  it("narrows each result's row to its recipient, and keeps a single recipient's row as received", () => {
    const rows = only(group).results.map((r) => JSON.parse(r.event.row!) as { body: { to: unknown[] } });
    expect(rows.map((row) => row.body.to)).toEqual((group.body.to as unknown[]).map((entry) => [entry]));
    const text = `${JSON.stringify(notification({ messageStatus: "Sent" }), null, 2)}\n`;
    expect(only(text).results[0]?.event.row).toBe(text.trim());
    expect(only(text).results[0]?.id).toBe(UUID);
  });

  it("names a recipient without a number by its position, and hashes an event without a uuid", () => {
    const numberless = notification({ messageStatus: "Sent", to: [{ name: "A" }, { name: "B" }] });
    expect(only(numberless).results.map((r) => r.id)).toEqual([`${UUID}#0`, `${UUID}#1`]);
    const anonymous = notification({ messageStatus: "Sent" }, { uuid: undefined });
    expect(only(anonymous).results[0]?.id).toBe(rowHash(JSON.stringify(anonymous)));
  });

  it("does not split inbound group messages: one ignored event", () => {
    const inbound = notification({ messageStatus: "Received", direction: "Inbound", to: [{ phoneNumber: "+16508974563" }, { phoneNumber: "+16508974564" }] });
    expect(only(inbound)).toMatchObject({ results: [], unmapped: [] });
    expect(only(inbound).ignored).toHaveLength(1);
  });

  it(`keeps a record listing more than ${MAX_RECIPIENTS} recipients whole, unmapped, rather than copying it per entry`, () => {
    const many = notification({ messageStatus: "Sent", to: Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => `+1650555${String(i).padStart(4, "0")}`) });
    expect(only(many)).toMatchObject({ results: [], ignored: [], unmapped: [{ code: "invalid_event" }] });
    expect(only(many).unmapped).toHaveLength(1);
    const most = notification({ messageStatus: "Sent", to: Array.from({ length: MAX_RECIPIENTS }, (_, i) => `+1650555${String(i).padStart(4, "0")}`) });
    expect(only(most).results).toHaveLength(MAX_RECIPIENTS);
  });

  it("copies prototype keys as plain keys when it splits, polluting nothing", () => {
    const text = JSON.stringify(group).replace('"body":{', '"body":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},');
    const { results } = only(text);
    expect(results.map((r) => r.event.status)).toEqual(["delivered", "undelivered", "queued"]);
    expect(Object.keys((JSON.parse(results[0]!.event.row!) as { body: object }).body)).toContain("__proto__");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("ringcentral times", () => {
  const dated = (body: Record<string, unknown>, envelope: Record<string, unknown> = {}) => first(notification(body, envelope))?.event.date;

  it("keeps microseconds to the millisecond, truncating rather than rounding", () => {
    expect(dated({ messageStatus: "Sent", lastModifiedTime: "2021-05-26T04:16:08.107007Z" })).toBe("2021-05-26T04:16:08.107Z");
    expect(dated({ messageStatus: "Sent", lastModifiedTime: "2021-12-31T23:59:59.999999Z" })).toBe("2021-12-31T23:59:59.999Z");
    expect(dated({ messageStatus: "Sent", lastModifiedTime: "2014-04-29T14:29:20.531+0000" })).toBe("2014-04-29T14:29:20.531Z");
  });

  it("dates a delivery by smsDeliveryTime, every other status by lastModifiedTime", () => {
    const times = { smsDeliveryTime: "2012-10-18T10:40:42.000Z", lastModifiedTime: "2012-10-18T10:40:44.123456Z" };
    expect(dated({ messageStatus: "Delivered", ...times })).toBe("2012-10-18T10:40:42.000Z");
    expect(dated({ messageStatus: "DeliveryFailed", ...times })).toBe("2012-10-18T10:40:44.123Z");
    const recipients = { to: [{ phoneNumber: "1", messageStatus: "Delivered" }, { phoneNumber: "2", messageStatus: "Sent" }] };
    expect(only(notification({ messageStatus: "Sent", ...times, ...recipients })).results.map((r) => r.event.date)).toEqual([
      "2012-10-18T10:40:42.000Z",
      "2012-10-18T10:40:44.123Z",
    ]);
  });

  it("falls back to the notification's timestamp, never to the receive time; a broken time is unmapped", () => {
    expect(dated({ messageStatus: "Sent", lastModifiedTime: undefined })).toBe("2021-05-26T04:16:08.244Z");
    expect(only(notification({ messageStatus: "Sent", lastModifiedTime: undefined }, { timestamp: undefined }))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(only(notification({ messageStatus: "Sent", lastModifiedTime: "20211-11-14T20:19:56.505461Z" }))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(only(notification({ messageStatus: "Sent", lastModifiedTime: 1622002568 }))).toMatchObject({ results: [{ event: { date: "2021-05-26T04:16:08.244Z" } }] });
  });
});

describe("ringcentral readers", () => {
  it("describes a documented error code, keeps an unknown one verbatim, and gives a reject reason to failures only", () => {
    const failed = first(notification({ messageStatus: "DeliveryFailed", errorCode: "SMS-CAR-413" }));
    expect(failed?.event.response).toBe("SMS-CAR-413: Destination subscriber opted out.");
    expect(failed?.details).toMatchObject({ rejectReason: "unsubscribed", description: "SMS-CAR-413: Destination subscriber opted out." });
    expect(first(notification({ messageStatus: "SendingFailed", deliveryErrorCode: "SMS-NEW-999" }))?.event.response).toBe("SMS-NEW-999");
    expect(first(notification({ messageStatus: "SendingFailed", errorCode: "SMS-RC-430" }))?.details?.rejectReason).toBe("spam");
    expect(first(notification({ messageStatus: "Delivered", errorCode: "SMS-CAR-413" }))?.details?.rejectReason).toBeUndefined();
    expect(first(notification({ messageStatus: "Sent" }))?.event).not.toHaveProperty("response");
  });

  it("reads attempts from smsSendingAttemptsCount and the message id from body.id, numbers included", () => {
    const result = first(notification({ messageStatus: "Sent", id: 320272588010, smsSendingAttemptsCount: 2 }));
    expect(result?.event).toMatchObject({ externalId: "320272588010", attempts: 2 });
    expect(first(notification({ messageStatus: "Sent", smsSendingAttemptsCount: -1 }))?.event).not.toHaveProperty("attempts");
    const beyondDoubles = JSON.stringify(notification({ messageStatus: "Sent", id: 0 })).replace('"id":0', '"id":9007199254740993');
    expect(first(beyondDoubles)?.event.externalId).toBe("9007199254740993");
  });
});

describe("ringcentral handshake", () => {
  const probe = (headers: Record<string, string>) => ringcentral.handshake!(inboundRequest({ headers, body: "" }));

  it("echoes the Validation-Token header, whatever case the name was sent in", () => {
    expect(probe({ "Validation-Token": "3c5f8e2a-7b1d-4e9f-a0c6-1d2e3f4a5b6c" })).toEqual({
      headers: { "validation-token": "3c5f8e2a-7b1d-4e9f-a0c6-1d2e3f4a5b6c" },
      reason: expect.stringContaining("Validation-Token"),
    });
    expect(probe({ "validation-token": "a token with spaces" })?.headers["validation-token"]).toBe("a token with spaces");
  });

  it("is no handshake without the header, or with a token it must not echo", () => {
    expect(probe({ "content-type": "application/json", [VERIFICATION_HEADER]: "hello-world" })).toBeUndefined();
    expect(probe({ "validation-token": "x".repeat(256) })?.headers["validation-token"]).toHaveLength(256);
    for (const token of ["", "x".repeat(257), "abc\r\nset-cookie: a=b", "abc\ndef", "tab\there", " leading", "trailing ", "caf\u00e9", "nul\u0000", "del\u007f"]) {
      expect(probe({ "validation-token": token })).toBeUndefined();
    }
  });

  it("is no handshake when the request carries a notification, so its events are not swallowed", () => {
    const body = JSON.stringify({ uuid: "1", event: "/restapi/v1.0/account/1/a2p-sms/messages", body: { id: "7086", messageStatus: "Delivered" } });
    expect(ringcentral.handshake!(inboundRequest({ headers: { "validation-token": "abc", "content-type": "application/json" }, body }))).toBeUndefined();
    expect(ringcentral.handshake!(inboundRequest({ headers: { "validation-token": "abc" }, body: " \r\n" }))).toBeDefined();
  });

  it("answers before and apart from authorization: a probe without credentials is still echoed", () => {
    const request = inboundRequest({ headers: { "validation-token": "abc" }, body: "" });
    expect(ringcentral.handshake!(request)).toBeDefined();
    expect(normalize(ringcentral, request, { credentials: ringcentral.credentials.parse(CREDENTIALS), now: NOW })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });
});

describe("ringcentral verification", () => {
  const body = JSON.stringify(notification({ messageStatus: "Delivered" }));
  const verify = (credentials: unknown, headers: Record<string, string>) =>
    normalize(ringcentral, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), {
      credentials: credentials === undefined ? undefined : ringcentral.credentials.parse(credentials),
      now: NOW,
    });
  const basic = { authorization: basicAuthHeader(USERNAME, "webhook-secret") };

  it("is not configured without credentials, so the host asks for its API key", () => {
    expect(verify(undefined, {})).toMatchObject({ ok: true, verified: false });
  });

  it("checks the verification token alone, any configured one, and fails closed without it", () => {
    const token = { verificationToken: ["old-token-7d1f", "hello-world"] };
    expect(verify(token, { [VERIFICATION_HEADER]: "old-token-7d1f" })).toMatchObject({ ok: true, verified: true });
    expect(verify(token, { [VERIFICATION_HEADER]: "hello-world" })).toMatchObject({ ok: true, verified: true });
    expect(verify(token, { [VERIFICATION_HEADER]: "Hello-World" })).toMatchObject({ ok: false, error: { code: "unauthorized", location: VERIFICATION_HEADER } });
    expect(verify(token, { [VERIFICATION_HEADER]: "hello-world".repeat(40) })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(verify(token, {})).toMatchObject({ ok: false, error: { code: "unauthorized", location: VERIFICATION_HEADER } });
  });

  it("requires both when both are configured", () => {
    expect(verify(CREDENTIALS, { ...basic, [VERIFICATION_HEADER]: "hello-world" })).toMatchObject({ ok: true, verified: true });
    expect(verify(CREDENTIALS, { [VERIFICATION_HEADER]: "hello-world" })).toMatchObject({ ok: false, error: { location: "authorization" } });
    expect(verify(CREDENTIALS, basic)).toMatchObject({ ok: false, error: { location: VERIFICATION_HEADER } });
    expect(verify(CREDENTIALS, { authorization: basicAuthHeader(USERNAME, "wrong"), [VERIFICATION_HEADER]: "hello-world" })).toMatchObject({ ok: false });
  });

  it("refuses empty tokens and misspelled fields at start", () => {
    expect(ringcentral.credentials.safeParse({ verificationToken: "" }).success).toBe(false);
    expect(ringcentral.credentials.safeParse({ verificationToken: [] }).success).toBe(false);
    expect(ringcentral.credentials.safeParse({ validationToken: "hello-world" }).success).toBe(false);
    expect(ringcentral.credentials.safeParse({ username: "u" }).success).toBe(false);
  });
});

describe("ringcentral fixtures", () => {
  const registry = new PluginRegistry([ringcentral]);
  for (const loaded of loadFixtures([new URL("../../../fixtures/ringcentral/", import.meta.url).pathname])) {
    it(loaded.ok ? loaded.fixture.name : loaded.file, async () => {
      const result = await runFixture(loaded, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
