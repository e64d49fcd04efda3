import { generateKeyPairSync } from "node:crypto";
import { inboundRequest, normalize } from "@tidings/core";
import { everlyticLegacy } from "@tidings/plugin-everlytic-legacy";
import { everlyticStandard } from "@tidings/plugin-everlytic-standard";
import { sendgrid } from "@tidings/plugin-sendgrid";
import { twilio } from "@tidings/plugin-twilio";
import { describe, expect, it } from "vitest";
import { everlyticTraffic, Random, sendgridTraffic, twilioSignature, twilioTraffic, withDuplicates, type SimulatedRequest } from "../src/index.js";

const AUTH = { username: "everlytic", password: "secret-1" };
const run = (plugin: Parameters<typeof normalize>[0], request: SimulatedRequest, credentials: unknown) =>
  normalize(plugin, inboundRequest({ headers: request.headers, body: request.body }), { credentials });

describe("simulated traffic is what the plugins expect", () => {
  it.each([
    ["standard", "application/json"],
    ["standard", "application/x-www-form-urlencoded"],
    ["legacy", "application/json"],
    ["legacy", "application/x-www-form-urlencoded"],
  ] as const)("Everlytic %s as %s: every type, verified, nothing unmapped", (fieldSet, contentType) => {
    const next = everlyticTraffic({ fieldSet, contentType, auth: AUTH }, new Random(1));
    const plugin = fieldSet === "standard" ? everlyticStandard : everlyticLegacy;
    const statuses = new Set<string>();
    let ignored = 0;
    for (let i = 0; i < 16; i++) {
      const outcome = run(plugin, next(), AUTH);
      if (!outcome.ok) throw new Error(outcome.error.message);
      expect(outcome.verified).toBe(true);
      expect(outcome.unmapped).toEqual([]);
      outcome.results.forEach((r) => statuses.add(r.event.status));
      ignored += outcome.ignored.length;
    }
    expect(statuses).toEqual(new Set(["sent", "delivered", "failed", "opened", "clicked", "bounced", "unsubscribed"]));
    expect(ignored).toBe(2);
  });

  it("signed SendGrid batches verify and map every event", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const next = sendgridTraffic({ batchSize: 50, signWith: privateKey }, new Random(2));
    const key = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    for (let i = 0; i < 5; i++) {
      const outcome = run(sendgrid, next(), { publicKey: key });
      if (!outcome.ok) throw new Error(outcome.error.message);
      expect(outcome.verified).toBe(true);
      expect(outcome.unmapped).toEqual([]);
      expect(outcome.results.length + outcome.ignored.length).toBe(50);
    }
  });

  it("signed Twilio callbacks verify and map, each message's statuses in lifecycle order", () => {
    const url = "https://hooks.example.com/twilio?source=simulator";
    const token = "4f1a2b3c4d5e6f708192a3b4c5d6e7f8";
    const next = twilioTraffic({ url, signingKey: token, now: () => new Date("2026-01-15T10:00:00.000Z") }, new Random(4));
    const lifecycles = new Map<string, string[]>();
    const responses = new Map<string, string | undefined>();
    for (let i = 0; i < 600; i++) {
      const outcome = run(twilio, next(), { signingKey: token, url });
      if (!outcome.ok) throw new Error(outcome.error.message);
      expect(outcome.verified).toBe(true);
      expect(outcome).toMatchObject({ ignored: [], unmapped: [] });
      const [result] = outcome.results;
      const sid = result!.event.externalId!;
      lifecycles.set(sid, [...(lifecycles.get(sid) ?? []), result!.event.status]);
      responses.set(`${sid}:${result!.event.status}`, result!.event.response);
    }
    const complete = [["queued", "sent", "delivered"], ["queued", "sent", "undelivered"], ["queued", "failed"]];
    const seen = new Set<string>();
    for (const [sid, statuses] of lifecycles) {
      const matching = complete.find((steps) => steps.slice(0, statuses.length).join() === statuses.join());
      expect(matching, `${sid}: ${statuses.join(" > ")}`).toBeDefined();
      if (matching!.length === statuses.length) seen.add(statuses.at(-1)!);
      const last = statuses.at(-1)!;
      if (last === "undelivered" || last === "failed") expect(responses.get(`${sid}:${last}`)).toMatch(/^error (30\d{3}|21610)/);
    }
    expect(seen).toEqual(new Set(["delivered", "undelivered", "failed"]));
    expect(lifecycles.size).toBeGreaterThan(150);
  });

  it("signs Twilio callbacks for the callback URL given, not another, and with the SDK's algorithm", () => {
    const url = "https://hooks.example.com/twilio?source=simulator";
    const request = twilioTraffic({ url, signingKey: "token-1" }, new Random(5))();
    expect(run(twilio, request, { signingKey: "token-1", url: "https://hooks.example.com/twilio" })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(twilio, request, { signingKey: "token-2", url })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    // twilio-node spec/validation.spec.js: the SDK's signature over its default request.
    const params = [["CallSid", "CA1234567890ABCDE"], ["Caller", "+14158675309"], ["Digits", "1234"], ["From", "+14158675309"], ["To", "+18005551212"]] as const;
    expect(twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)).toBe("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    expect(twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", [["Sid", "CA123"], ["SidAccount", "AC123"], ["Digits", "5678"], ["Digits", "1234"], ["Digits", "1234"]])).toBe(
      "IK+Dwps556ElfBT0I3Rgjkr1wJU=",
    );
  });

  it("sends unsigned Twilio callbacks with basic auth when no Auth Token is given", () => {
    const auth = { username: "twilio", password: "callback-pw" };
    const request = twilioTraffic({ url: "https://hooks.example.com/twilio", auth }, new Random(6))();
    expect(request.headers["x-twilio-signature"]).toBeUndefined();
    expect(run(twilio, request, auth)).toMatchObject({ ok: true, verified: true, results: [{ event: { status: "queued" } }] });
  });

  it("is replayable from a seed", () => {
    const a = everlyticTraffic({ fieldSet: "standard", contentType: "application/json", now: () => new Date(0) }, new Random(9));
    const b = everlyticTraffic({ fieldSet: "standard", contentType: "application/json", now: () => new Date(0) }, new Random(9));
    for (let i = 0; i < 5; i++) expect(a().body).toBe(b().body);
    const c = twilioTraffic({ url: "https://hooks.example.com/twilio", signingKey: "t", now: () => new Date(0) }, new Random(9));
    const d = twilioTraffic({ url: "https://hooks.example.com/twilio", signingKey: "t", now: () => new Date(0) }, new Random(9));
    for (let i = 0; i < 20; i++) expect(c()).toEqual(d());
  });

  it("re-delivers earlier requests byte for byte at the requested rate", () => {
    const random = new Random(3);
    const next = withDuplicates(everlyticTraffic({ fieldSet: "standard", contentType: "application/json" }, random), 0.3, () => random.next());
    const requests = Array.from({ length: 1000 }, next);
    const duplicates = requests.filter((r) => r.duplicate);
    expect(duplicates.length).toBeGreaterThan(240);
    expect(duplicates.length).toBeLessThan(360);
    const originals = new Set(requests.filter((r) => !r.duplicate).map((r) => r.body));
    for (const duplicate of duplicates) expect(originals.has(duplicate.body)).toBe(true);
  });
});
