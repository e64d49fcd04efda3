import { generateKeyPairSync } from "node:crypto";
import { inboundRequest, normalize } from "@tidings/core";
import { everlyticLegacy } from "@tidings/plugin-everlytic-legacy";
import { everlyticStandard } from "@tidings/plugin-everlytic-standard";
import { sendgrid } from "@tidings/plugin-sendgrid";
import { describe, expect, it } from "vitest";
import { everlyticTraffic, Random, sendgridTraffic, withDuplicates, type SimulatedRequest } from "../src/index.js";

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

  it("is replayable from a seed", () => {
    const a = everlyticTraffic({ fieldSet: "standard", contentType: "application/json", now: () => new Date(0) }, new Random(9));
    const b = everlyticTraffic({ fieldSet: "standard", contentType: "application/json", now: () => new Date(0) }, new Random(9));
    for (let i = 0; i < 5; i++) expect(a().body).toBe(b().body);
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
