import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { rowHash, inboundRequest, normalize, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { keyTexts, postal, SIGNATURE_256_HEADER, SIGNATURE_HEADER } from "../src/index.js";

const keys = new URL("../../../fixtures/postal/keys/", import.meta.url);
const currentKey = createPrivateKey(readFileSync(new URL("current-private.pem", keys), "utf8"));
const previousKey = createPrivateKey(readFileSync(new URL("previous-private.pem", keys), "utf8"));
const publicKey = readFileSync(new URL("current-public.txt", keys), "utf8").trim();
const previousPublicKey = readFileSync(new URL("previous-public.txt", keys), "utf8").trim();
const NOW = new Date("2026-01-15T10:00:00.000Z");

type Signing = "both" | "sha1";

/** Postal's headers over the exact body: SHA-1 always, SHA-256 since Postal 3 (lib/postal/http.rb). */
function signatureHeaders(body: string | Uint8Array, signing: Signing = "both", key = currentKey): Record<string, string> {
  const bytes = Buffer.from(body);
  const sha1 = { [SIGNATURE_HEADER]: sign("sha1", bytes, key).toString("base64") };
  return signing === "sha1" ? sha1 : { ...sha1, [SIGNATURE_256_HEADER]: sign("sha256", bytes, key).toString("base64") };
}

const epochSeconds = fc.integer({ min: 1_400_000_000_000_000, max: 2_000_000_000_000_000 }).map((micros) => micros / 1e6);

const message = (direction: "outgoing" | "incoming") =>
  fc.record(
    {
      id: fc.nat(),
      token: fc.stringMatching(/^[A-Za-z0-9]{6,16}$/),
      direction: fc.constant(direction),
      message_id: fc.uuid().map((id) => `${id}@rp.postal.example.com`),
      to: fc.emailAddress(),
      from: fc.emailAddress(),
      subject: fc.string({ maxLength: 20 }),
      timestamp: epochSeconds,
      spam_status: fc.constantFrom("NotSpam", "Spam", "NotChecked"),
      tag: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: null }),
    },
    // Postal always writes every field; older payloads and hand-made tests may lack some.
    { requiredKeys: ["direction"] },
  );

const server = fc.record({ uuid: fc.uuid(), name: fc.string({ maxLength: 12 }), permalink: fc.string({ maxLength: 12 }), organization: fc.string({ maxLength: 12 }) });

/** What Postal writes in `output` and `details` for each kind of delivery attempt (app/senders, app/lib/message_dequeuer). */
const SMTP_5XX = fc.constantFrom("550 5.1.1 user unknown", "554-5.7.1 rejected\n554 5.7.1 by policy", "552 5.2.2 mailbox full");
const NOT_5XX = fc.constantFrom("", "451 4.7.1 try later", "Connection refused - connect(2) for 192.0.2.1:25", "421 closing");
const HELD = fc.constantFrom("Server is in development mode.", "Message held because send limit (500) has been reached.", "Credential is configured to hold all messages authenticated by it.");
const SUPPRESSED = fc.constantFrom("too many hard fails", "too many soft fails", "").map((reason) => `Recipient (a@example.com) is on the suppression list (reason: ${reason})`);

function delivery(status: string, direction: "outgoing" | "incoming", output: fc.Arbitrary<string>, details: fc.Arbitrary<string>) {
  return fc.record({
    message: message(direction),
    status: fc.constant(status),
    details,
    output,
    sent_with_ssl: fc.option(fc.boolean(), { nil: null }),
    timestamp: epochSeconds,
    time: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: null }),
  });
}

const anyText = fc.string({ maxLength: 40 });

/** A payload whose event, refined as src/names.ts does, is `name`; any other name gets a message payload. */
function payloadFor(name: string): fc.Arbitrary<unknown> {
  const [event, refinement] = name.split(":") as [string, string | undefined];
  const direction = refinement === "incoming" ? "incoming" : "outgoing";
  switch (event) {
    case "MessageSent":
      return delivery("Sent", direction, fc.constantFrom("250 2.0.0 OK", ""), anyText);
    case "MessageDelayed":
      return delivery("SoftFail", direction, NOT_5XX, anyText);
    case "MessageDeliveryFailed":
      return delivery("HardFail", direction, refinement === "smtp" ? SMTP_5XX : NOT_5XX, anyText);
    case "MessageHeld":
      return delivery("Held", direction, fc.constant(""), refinement === "suppressed" ? SUPPRESSED : HELD);
    case "MessageBounced":
      return fc.record({ original_message: message("outgoing"), bounce: message("incoming") });
    case "MessageLinkClicked":
      return fc.record({ url: fc.webUrl(), token: fc.string({ maxLength: 8 }), ip_address: fc.ipV4(), user_agent: anyText, message: message("outgoing") });
    case "MessageLoaded":
      return fc.record({ ip_address: fc.oneof(fc.ipV4(), fc.ipV6()), user_agent: anyText, message: message("outgoing") });
    case "DomainDNSError":
      return fc.record({ server, domain: fc.domain(), uuid: fc.uuid(), dns_checked_at: epochSeconds, spf_status: fc.constantFrom("OK", "Missing", "Invalid"), dkim_error: fc.option(anyText, { nil: null }) });
    case "SendLimitApproaching":
    case "SendLimitExceeded":
      return fc.record({ server, volume: fc.nat(), limit: fc.nat() });
    default:
      return fc.record({ message: message("outgoing") });
  }
}

/** Postal's call: one envelope per POST (app/services/webhook_delivery_service.rb), signed as Postal 2 or 3 signs. */
function postalRequest(name: string): fc.Arbitrary<SuiteRequest> {
  const event = name.split(":")[0]!;
  return fc
    .record({ timestamp: epochSeconds, payload: payloadFor(name), uuid: fc.uuid(), signing: fc.constantFrom<Signing>("both", "sha1") })
    .map(({ timestamp, payload, uuid, signing }) => {
      const body = JSON.stringify({ event: name.includes(":") ? event : name, timestamp, payload, uuid });
      return { contentType: "application/json", body, headers: signatureHeaders(body, signing) };
    });
}

testPlugin({ plugin: postal, credentials: { publicKey }, now: NOW, requestFor: postalRequest });

const sentBody = JSON.stringify({
  event: "MessageSent",
  timestamp: 1477945177.14021,
  payload: { status: "Sent", output: "250 2.0.0 OK", timestamp: 1477945177.12994, message: { message_id: "5817a64332f44_4ec93ff59e79d154565eb@app34.mail", to: "test@example.com" } },
  uuid: "1c5a4e0b-6b4f-4a4e-9d3c-2f8e1b7a9c01",
});

const UNSIGNED_TIME =
  "Postal signs no time of its own: the envelope's timestamp is inside the signed body and a retry re-sends it unchanged; a replay keeps the envelope's uuid, so the receiver stores it once";

describe("Postal 3 (X-Postal-Signature-256 and X-Postal-Signature)", () => {
  testSignatures({
    plugin: postal,
    credentials: { publicKey },
    wrongCredentials: { publicKey: previousPublicKey },
    now: NOW,
    validRequest: { contentType: "application/json", body: sentBody, headers: signatureHeaders(sentBody) },
    exempt: {
      "each signed header is required": "either header verifies alone (Postal 2 sends only the SHA-1 one); the plugin's own tests strip both, and a failing SHA-256 header beside a valid SHA-1 one",
      "a stale request is unauthorized": UNSIGNED_TIME,
    },
  });
});

describe("Postal 2 (X-Postal-Signature only)", () => {
  testSignatures({
    plugin: postal,
    credentials: { publicKey },
    wrongCredentials: { publicKey: previousPublicKey },
    now: NOW,
    validRequest: { contentType: "application/json", body: sentBody, headers: signatureHeaders(sentBody, "sha1") },
    stripHeaders: [SIGNATURE_HEADER],
    exempt: { "a stale request is unauthorized": UNSIGNED_TIME },
  });
});

const run = (body: string | Uint8Array, headers: Record<string, string> = {}, credentials: unknown = undefined) =>
  normalize(postal, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), {
    credentials: credentials === undefined ? undefined : postal.credentials.parse(credentials),
    now: NOW,
  });

describe("postal signatures", () => {
  const signed = (headers: Record<string, string>) => run(sentBody, headers, { publicKey });

  it("lets the SHA-256 header alone decide when it is present", () => {
    const sha1 = signatureHeaders(sentBody, "sha1");
    const otherSha256 = { [SIGNATURE_256_HEADER]: sign("sha256", Buffer.from(sentBody), previousKey).toString("base64") };
    expect(signed({ ...sha1, ...otherSha256 })).toMatchObject({ ok: false, error: { code: "unauthorized", location: SIGNATURE_256_HEADER } });
    expect(signed({ ...sha1, [SIGNATURE_256_HEADER]: "" })).toMatchObject({ ok: false, error: { code: "unauthorized", location: SIGNATURE_256_HEADER } });
    const { [SIGNATURE_HEADER]: _sha1, ...sha256Only } = signatureHeaders(sentBody);
    expect(signed(sha256Only)).toMatchObject({ ok: true, verified: true });
  });

  it("falls back to the SHA-1 header, and refuses a request with neither", () => {
    expect(signed(signatureHeaders(sentBody, "sha1"))).toMatchObject({ ok: true, verified: true });
    const sha1WithSha256Digest = { [SIGNATURE_HEADER]: signatureHeaders(sentBody)[SIGNATURE_256_HEADER]! };
    expect(signed(sha1WithSha256Digest)).toMatchObject({ ok: false, error: { code: "unauthorized", location: SIGNATURE_HEADER } });
    expect(signed({})).toMatchObject({ ok: false, error: { code: "unauthorized", location: SIGNATURE_HEADER, message: expect.stringContaining("neither") } });
  });

  it("a signature over any generated body verifies, and any single-byte change fails", () => {
    const request = fc.constantFrom(...postal.events).chain((name) => postalRequest(name));
    fc.assert(
      fc.property(request, fc.nat(), fc.integer({ min: 1, max: 255 }), (generated, at, flip) => {
        const body = Buffer.from(generated.body);
        const headers = { ...generated.headers };
        expect(run(body, headers, { publicKey })).toMatchObject({ ok: true, verified: true });
        const tampered = Buffer.from(body);
        const index = at % tampered.length;
        tampered[index] = tampered[index]! ^ flip;
        expect(run(tampered, headers, { publicKey })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      }),
      { numRuns: 50 },
    );
  });

  it("is unverified, not refused, without credentials", () => {
    expect(run(sentBody)).toMatchObject({ ok: true, verified: false });
  });
});

describe("postal keys", () => {
  const current = createPublicKey(currentKey);
  const pem = current.export({ type: "spki", format: "pem" }).toString();
  const jwk = current.export({ format: "jwk" });
  const accepts = (key: unknown) => postal.credentials.safeParse({ publicKey: key }).success;
  const verifiesWith = (key: string) => run(sentBody, signatureHeaders(sentBody), { publicKey: key });

  it("reads the key as `postal default-dkim-record` prints it, also split into quoted DNS chunks", () => {
    const record = `v=DKIM1; t=s; h=sha256; p=${publicKey};`;
    expect(keyTexts(record)).toEqual([publicKey]);
    expect(keyTexts(`"${record.slice(0, 100)}" "${record.slice(100)}"`)).toEqual([publicKey]);
    expect(verifiesWith(record)).toMatchObject({ ok: true, verified: true });
  });

  it("reads the RSA keys of a JWK set or one JWK, and leaves out private and other keys", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ format: "jwk" });
    const set = JSON.stringify({ keys: [ec, { ...jwk, kid: "k", use: "sig", alg: "RS256" }] });
    expect(keyTexts(set)).toEqual([pem]);
    expect(keyTexts(JSON.stringify(jwk))).toEqual([pem]);
    expect(keyTexts(JSON.stringify(currentKey.export({ format: "jwk" })))).toEqual([]);
    expect(keyTexts("{not json")).toEqual([]);
    expect(verifiesWith(set)).toMatchObject({ ok: true, verified: true });
  });

  it("accepts every form of an RSA public key and refuses anything else", () => {
    for (const key of [publicKey, pem, `v=DKIM1; t=s; h=sha256; p=${publicKey};`, JSON.stringify({ keys: [jwk] }), [previousPublicKey, publicKey]]) {
      expect(accepts(key)).toBe(true);
    }
    const ecKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const privatePem = currentKey.export({ type: "pkcs8", format: "pem" }).toString();
    for (const key of ["bm90IGEga2V5", ecKey, privatePem, "v=DKIM1; t=s; h=sha256;", JSON.stringify({ keys: [] }), [publicKey, "nonsense"]]) {
      expect(accepts(key)).toBe(false);
    }
    expect(postal.credentials.safeParse({ username: "only-user" }).success).toBe(false);
    expect(postal.credentials.safeParse({ signingKey: "k" }).success).toBe(false);
  });
});

const envelope = (event: string, payload: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ event, timestamp: 1710250015.318204, payload, uuid: "u-1", ...extra });
const MESSAGE = { id: 7, token: "tok", direction: "outgoing", message_id: "m-1@rp.example.com", to: "a@example.com", timestamp: 1477945177.12994, tag: "welcome" };

const nameOf = (body: string) => {
  const outcome = run(body);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return [...outcome.results.map((r) => r.event.status), ...outcome.ignored.map((i) => i.name), ...outcome.unmapped.map((u) => u.name)];
};

describe("postal names", () => {
  it("tells a receiving server's 5xx refusal from Postal giving up", () => {
    const failed = (output: unknown) => nameOf(envelope("MessageDeliveryFailed", { message: MESSAGE, status: "HardFail", output }));
    expect(failed("550 5.1.1 user unknown")).toEqual(["bounced"]);
    expect(failed("554-5.7.1 rejected\n554 5.7.1 by policy")).toEqual(["bounced"]);
    expect(failed("451 4.7.1 try later")).toEqual(["failed"]);
    expect(failed("")).toEqual(["failed"]);
    expect(failed(null)).toEqual(["failed"]);
  });

  it("tells a hold for a suppressed recipient from Postal holding a message back", () => {
    const held = (details: string) => nameOf(envelope("MessageHeld", { message: MESSAGE, status: "Held", details }));
    expect(held("Recipient (a@example.com) is on the suppression list (reason: too many hard fails)")).toEqual(["dropped"]);
    expect(held("Server is in development mode.")).toEqual(["delayed"]);
  });

  it("ignores status events about incoming messages, and only those", () => {
    for (const event of ["MessageSent", "MessageDelayed", "MessageDeliveryFailed", "MessageHeld"]) {
      expect(nameOf(envelope(event, { message: { ...MESSAGE, direction: "incoming" }, output: "550 5.1.1 x" }))).toEqual([`${event}:incoming`]);
    }
    expect(nameOf(envelope("MessageLoaded", { message: { ...MESSAGE, direction: "incoming" } }))).toEqual(["opened"]);
  });

  it("compares event names exactly, as Postal spells them", () => {
    expect(run(envelope("messagesent", { message: MESSAGE }))).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: "messagesent" }] });
    expect(run(JSON.stringify({ timestamp: 1, payload: {} }))).toMatchObject({ unmapped: [{ code: "invalid_event" }] });
  });
});

describe("postal readers", () => {
  it("dates the event by the envelope's timestamp, never the message's or the delivery's", () => {
    const body = envelope("MessageSent", { message: MESSAGE, timestamp: 1600000000 });
    expect(run(body)).toMatchObject({ results: [{ event: { date: "2024-03-12T13:26:55.318Z" } }] });
    expect(run(envelope("MessageSent", { message: MESSAGE }, { timestamp: undefined }))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });

  it("takes the bounced message's ids and recipient, not the bounce message's", () => {
    const bounce = { ...MESSAGE, direction: "incoming", message_id: "ndr@mx.example.net", to: "abcde@psrp.example.com", subject: "Delivery Error", from: "postmaster@example.net" };
    expect(run(envelope("MessageBounced", { original_message: MESSAGE, bounce }))).toMatchObject({
      results: [{ event: { externalId: "m-1@rp.example.com", response: "bounce: Delivery Error; from: postmaster@example.net" }, details: { recipient: "a@example.com" } }],
    });
  });

  it("uses the envelope's uuid as the event id, and hashes envelopes without one", () => {
    expect(run(envelope("MessageLoaded", { message: MESSAGE }))).toMatchObject({ results: [{ id: "u-1" }] });
    const anonymous = { event: "MessageLoaded", timestamp: 1710250015.318204, payload: { message: MESSAGE } };
    expect(run(JSON.stringify(anonymous))).toMatchObject({ results: [{ id: rowHash(JSON.stringify(anonymous)) }] });
  });

  it("strips angle brackets from the message id, and leaves it out when Postal has none", () => {
    expect(run(envelope("MessageLoaded", { message: { ...MESSAGE, message_id: "<m-2@rp.example.com>" } }))).toMatchObject({ results: [{ event: { externalId: "m-2@rp.example.com" } }] });
    const outcome = run(envelope("MessageLoaded", { message: { ...MESSAGE, message_id: null } }));
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.results[0]!.event).not.toHaveProperty("externalId");
  });

  it("says why Postal gave up, for suppression lists", () => {
    const failed = (details: string) => run(envelope("MessageDeliveryFailed", { message: MESSAGE, status: "HardFail", details, output: "" }));
    expect(failed("Maximum number of delivery attempts (18) has been reached.")).toMatchObject({ results: [{ details: { rejectReason: "timed_out" } }] });
    expect(failed("Message is likely spam. Threshold is 5 and the message scored 7.")).toMatchObject({ results: [{ details: { rejectReason: "other" } }] });
    const held = (reason: string) => run(envelope("MessageHeld", { message: MESSAGE, status: "Held", details: `Recipient (a@example.com) is on the suppression list (reason: ${reason})` }));
    expect(held("too many soft fails")).toMatchObject({ results: [{ details: { rejectReason: "bounced" } }] });
    expect(held("")).toMatchObject({ results: [{ details: { rejectReason: "other" } }] });
  });

  it("puts the link only on clicks, and the client on clicks and opens", () => {
    const click = { url: "https://atech.media", ip_address: "185.22.208.2", user_agent: "ua", message: MESSAGE };
    expect(run(envelope("MessageLinkClicked", click))).toMatchObject({
      results: [{ event: { status: "clicked", response: "https://atech.media" }, details: { clickUrl: "https://atech.media", ip: "185.22.208.2", userAgent: "ua", tags: ["welcome"] } }],
    });
    const open = run(envelope("MessageLoaded", click));
    if (!open.ok) throw new Error(open.error.message);
    expect(open.results[0]!.details).not.toHaveProperty("clickUrl");
    expect(open.results[0]!.details).toMatchObject({ ip: "185.22.208.2", userAgent: "ua" });
  });
});

describe("postal fixtures", () => {
  const registry = new PluginRegistry([postal]);
  for (const loaded of loadFixtures([new URL("../../../fixtures/postal/", import.meta.url).pathname])) {
    it(loaded.ok ? loaded.fixture.name : loaded.file, async () => {
      const result = await runFixture(loaded, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
