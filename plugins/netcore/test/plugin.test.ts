import fc from "fast-check";
import { basicAuthHeader, inboundRequest, normalize, parseCredentials, type NormalizeOutcome } from "@tidings/core";
import { testPlugin, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { netcore } from "../src/index.js";

/** Two pairs, as during a password rotation: Netcore may call with either URL while it changes. */
const CREDENTIALS = { username: ["netcore", "netcore"], password: ["old-hook-secret", "new-hook-secret"] };
const AUTH = CREDENTIALS.password.map((password, i) => basicAuthHeader(CREDENTIALS.username[i]!, password));

const ENGAGEMENT = new Set(["opened", "clicked", "unsubscribed", "spam", "abuse"]);

/** `EVENT` and `BOUNCE_TYPE` for a mapping key; other names (unknown ones) go in `EVENT` as they are. */
function eventFields(name: string): fc.Arbitrary<Record<string, unknown>> {
  const anyCase = (value: string) => fc.constantFrom(value, value.toUpperCase());
  if (name === "bounced:hard") return anyCase("HARDBOUNCE").map((type) => ({ EVENT: "bounced", BOUNCE_TYPE: type }));
  if (name === "bounced:soft") return anyCase("SOFTBOUNCE").map((type) => ({ EVENT: "bounced", BOUNCE_TYPE: type }));
  if (name === "bounced") return fc.constantFrom({ EVENT: "bounced" }, { EVENT: "Bounced", BOUNCE_TYPE: "" });
  return anyCase(name).map((event) => ({ EVENT: event }));
}

/** One event as the webhook pages show it; ids and times as numbers (current pages) or digit strings (older ones). */
function rawEvent(name: string): fc.Arbitrary<Record<string, unknown>> {
  const numberOrDigits = (n: fc.Arbitrary<number>) => n.chain((v) => fc.constantFrom<unknown>(v, String(v)));
  const common = fc.record(
    {
      TRANSID: fc.oneof(numberOrDigits(fc.integer({ min: 1e15, max: Number.MAX_SAFE_INTEGER })), fc.stringMatching(/^1[0-9]{16}$/)),
      TIMESTAMP: numberOrDigits(fc.integer({ min: 1_400_000_000, max: 2_000_000_000 })),
      EMAIL: fc.emailAddress(),
      FROMADDRESS: fc.emailAddress(),
      MSIZE: numberOrDigits(fc.nat({ max: 50_000 })),
      RESPONSE: fc.oneof(fc.constantFrom("", " - 2.0.0 (success)", "smtp;250 2.0.0 OK 1465276276 - gsmtp", "->550-5.1.1 user unknown"), fc.string({ maxLength: 40 })),
      "X-APIHEADER": fc.string({ maxLength: 20 }),
      TAGS: fc.string({ maxLength: 12 }),
    },
    { requiredKeys: ["TRANSID", "TIMESTAMP"] },
  );
  const extra = ENGAGEMENT.has(name)
    ? fc.record({ USERAGENT: fc.string({ maxLength: 30 }), IPADDRESS: fc.ipV4(), URL: fc.webUrl() }, { requiredKeys: [] })
    : name.startsWith("bounced")
      ? fc.record({ BOUNCE_REASON: fc.string({ maxLength: 30 }), BOUNCE_REASONID: fc.nat({ max: 20 }) }, { requiredKeys: [] })
      : fc.constant({});
  return fc.tuple(common, extra, eventFields(name)).map(([c, e, f]) => ({ ...c, ...e, ...f }));
}

/** Batches of 1-5 events named `name`, with either rotated basic-auth pair. */
function netcoreRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc.tuple(fc.array(rawEvent(name), { minLength: 1, maxLength: 5 }), fc.constantFrom(...AUTH)).map(([events, authorization]) => ({
    contentType: "application/json" as const,
    body: JSON.stringify(events),
    headers: { authorization },
  }));
}

testPlugin({ plugin: netcore, credentials: CREDENTIALS, requestFor: netcoreRequest });

const parsed = parseCredentials(netcore, CREDENTIALS);
if (!parsed.ok) throw new Error(parsed.message);

const CONFIGURED = parsed.credentials;

function run(body: string, headers: Record<string, string> = { authorization: AUTH[0]! }, credentials: unknown = CONFIGURED): NormalizeOutcome {
  return normalize(netcore, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), { credentials });
}

/** No credentials configured (a default parameter would put them back for an explicit undefined). */
function runWithoutCredentials(body: string): NormalizeOutcome {
  return normalize(netcore, inboundRequest({ headers: { "content-type": "application/json" }, body }), {});
}

function only(outcome: NormalizeOutcome) {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  expect(outcome.results).toHaveLength(1);
  return outcome.results[0]!;
}

const event = (fields: Record<string, unknown>) => JSON.stringify([{ TRANSID: "14652378013752608", TIMESTAMP: 1553681625, EMAIL: "test@gmail.com", ...fields }]);

describe("netcore event names", () => {
  it.each([
    [{ EVENT: "bounced", BOUNCE_TYPE: "HARDBOUNCE" }, "bounced", "hard"],
    [{ EVENT: "bounced", BOUNCE_TYPE: "hardbounce" }, "bounced", "hard"],
    [{ EVENT: "bounced", BOUNCE_TYPE: "SOFTBOUNCE" }, "deferred", "soft"],
    [{ EVENT: "bounced" }, "bounced", "undetermined"],
    [{ EVENT: "bounced", BOUNCE_TYPE: "OTHERBOUNCE" }, "bounced", "undetermined"],
  ])("%j is %s with bounce class %s", (fields, status, bounceClass) => {
    const result = only(run(event(fields)));
    expect(result.event.status).toBe(status);
    expect(result.details?.bounceClass).toBe(bounceClass);
  });

  it("a BOUNCE_TYPE on another event does not turn it into a bounce", () => {
    expect(only(run(event({ EVENT: "sent", BOUNCE_TYPE: "HARDBOUNCE" }))).event.status).toBe("delivered");
  });
});

describe("netcore readers", () => {
  it("keeps every digit of a TRANSID beyond 2^53, which JSON.parse would round", () => {
    const body = '[{"TRANSID": 15536250111702803, "EVENT": "sent", "TIMESTAMP": 1553681625}]';
    expect(String(JSON.parse(body)[0].TRANSID)).not.toBe("15536250111702803");
    expect(only(run(body)).event.externalId).toBe("15536250111702803");
  });

  it("dates events from TIMESTAMP in seconds, as a number or as digits", () => {
    expect(only(run(event({ EVENT: "opened", TIMESTAMP: 1554375863 }))).event.date).toBe("2019-04-04T11:04:23.000Z");
    expect(only(run(event({ EVENT: "opened", TIMESTAMP: "1554375863" }))).event.date).toBe("2019-04-04T11:04:23.000Z");
  });

  it("keeps an event without a usable TIMESTAMP as unmapped, never dated at receipt", () => {
    for (const TIMESTAMP of [undefined, "", "yesterday", -5]) {
      const outcome = run(event({ EVENT: "sent", TIMESTAMP }));
      expect(outcome.ok && outcome.results.length === 0 && outcome.unmapped[0]?.code === "invalid_event").toBe(true);
    }
  });

  it.each([
    ["smtp;250 2.0.0 OK 1465276276 mo3si31128106wjb.147 - gsmtp", "250", "2.0.0"],
    ["->250 2.0.0 OK 1537966378 g128-v6si201240qkf.221 - gsmtp", "250", "2.0.0"],
    [" - 2.0.0 (success)", undefined, "2.0.0"],
    ["->host gmail-smtp-in.l.google.com[172.217.197.26] said: 550-5.1.1 The email account that you tried to reach does not exist.", "550", "5.1.1"],
  ])("reads the end server's codes from %j", (RESPONSE, smtpCode, enhancedStatus) => {
    const details = only(run(event({ EVENT: "bounced", BOUNCE_TYPE: "HARDBOUNCE", RESPONSE }))).details;
    expect(details?.mtaResponse).toBe(RESPONSE.trim());
    expect(details?.smtpCode).toBe(smtpCode);
    expect(details?.enhancedStatus).toBe(enhancedStatus);
  });

  it.each([
    ["Email dropped: User suppressed due to unsubscription", "unsubscribed"],
    ["Email dropped: User suppressed due to hard bounce", "bounced"],
    ["Email dropped: User suppressed due to abuse complaint", "spam"],
    ["Email dropped: User added to suppression list manually", "other"],
    ["Email dropped: User present in global blacklisting", "other"],
    [undefined, "other"],
  ])("a drop because %j is rejectReason %s, and the reason is no server reply", (RESPONSE, rejectReason) => {
    const result = only(run(event({ EVENT: "dropped", RESPONSE })));
    expect(result.event.status).toBe("dropped");
    expect(result.details?.rejectReason).toBe(rejectReason);
    expect(result.details?.description).toBe(RESPONSE);
    expect(result.details?.mtaResponse).toBeUndefined();
  });

  it("an invalid address is dropped as invalid whatever the response says", () => {
    const result = only(run(event({ EVENT: "invalid", RESPONSE: "Email dropped: User suppressed due to hard bounce" })));
    expect([result.event.status, result.details?.rejectReason]).toEqual(["dropped", "invalid"]);
  });

  it("reads user agent, ip and clicked URL from engagement events only", () => {
    const client = { USERAGENT: "Mozilla/5.0", IPADDRESS: "64.233.173.70", URL: "https://example.com/a" };
    expect(only(run(event({ EVENT: "clicked", ...client }))).details).toMatchObject({ userAgent: "Mozilla/5.0", ip: "64.233.173.70", clickUrl: "https://example.com/a" });
    const opened = only(run(event({ EVENT: "opened", ...client }))).details;
    expect([opened?.userAgent, opened?.clickUrl]).toEqual(["Mozilla/5.0", undefined]);
    // Pepipost's own sample of a sent event carries "USERAGENT": "1468".
    const sent = only(run(event({ EVENT: "sent", ...client }))).details;
    expect([sent?.userAgent, sent?.ip, sent?.clickUrl]).toEqual([undefined, undefined, undefined]);
  });

  it("gives recipient, tags and the X-APIHEADER value on every event", () => {
    for (const EVENT of netcore.events.map((name) => name.split(":")[0])) {
      const details = only(run(event({ EVENT, TAGS: "mytag1", "X-APIHEADER": "UNIQUEID" }))).details;
      expect(details).toMatchObject({ recipient: "test@gmail.com", tags: ["mytag1"], metadata: { "X-APIHEADER": "UNIQUEID" } });
    }
  });

  it("says the end server's reply, the bounce reason and the clicked link in response", () => {
    expect(only(run(event({ EVENT: "bounced", RESPONSE: " 550 5.1.1 unknown\r", BOUNCE_REASON: "Unknown Reason" }))).event.response).toBe(
      "550 5.1.1 unknown; bounce reason: Unknown Reason",
    );
    expect(only(run(event({ EVENT: "clicked", RESPONSE: "", URL: "https://example.com/a" }))).event.response).toBe("https://example.com/a");
  });
});

describe("netcore batches", () => {
  it("keeps each event's own text as its row and reports a broken item without losing the rest", () => {
    const body = '[{"TRANSID":1,"EVENT":"sent","TIMESTAMP":1553681625},\n "not an event",\n{"TRANSID":2,"EVENT":"opened","TIMESTAMP":1554375863}]';
    const outcome = run(body);
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.results.map((r) => [r.event.status, r.event.externalId, r.event.row])).toEqual([
      ["delivered", "1", '{"TRANSID":1,"EVENT":"sent","TIMESTAMP":1553681625}'],
      ["opened", "2", '{"TRANSID":2,"EVENT":"opened","TIMESTAMP":1554375863}'],
    ]);
    expect(outcome.unmapped.map((u) => u.row)).toEqual(['"not an event"']);
  });

  it("accepts the empty array Netcore posts when it checks a new webhook URL", () => {
    const outcome = run("[]");
    expect(outcome.ok && outcome.results.length + outcome.ignored.length + outcome.unmapped.length).toBe(0);
  });
});

describe("netcore basic auth", () => {
  const body = event({ EVENT: "sent" });

  it("accepts either pair of a rotation and refuses a wrong or missing one", () => {
    for (const authorization of AUTH) expect(run(body, { authorization })).toMatchObject({ ok: true, verified: true });
    expect(run(body, { authorization: basicAuthHeader("netcore", "guess") })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(body, {})).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(body, { authorization: "Bearer old-hook-secret" })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("leaves a request unverified, for the host to refuse without an API key, when no credentials are configured", () => {
    expect(runWithoutCredentials(body)).toMatchObject({ ok: true, verified: false });
  });

  it("refuses credentials that are not a basic-auth pair", () => {
    expect(netcore.credentials.safeParse({ username: "netcore" }).success).toBe(false);
    expect(netcore.credentials.safeParse({ signingKey: "abc" }).success).toBe(false);
    expect(netcore.credentials.safeParse({ username: "netcore", password: "hook-secret" }).success).toBe(true);
  });
});
