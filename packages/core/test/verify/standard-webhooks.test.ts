import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { inboundRequest } from "../../src/request.js";
import { isStandardWebhookSecret, signStandardWebhook, verifyStandardWebhook } from "../../src/verify/index.js";

/**
 * The reference library's signing vector, shared by its implementations in every language:
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/libraries/javascript/src/webhook.test.ts
 * ("sign function works").
 */
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const VECTOR_NOW = new Date(VECTOR.timestamp * 1000);

function signed(headers: Record<string, string>, body = VECTOR.payload) {
  return inboundRequest({ headers: { "content-type": "application/json", ...headers }, body });
}

const vectorHeaders = (prefix = "webhook") => ({
  [`${prefix}-id`]: VECTOR.id,
  [`${prefix}-timestamp`]: String(VECTOR.timestamp),
  [`${prefix}-signature`]: VECTOR.signature,
});

const failure = (message: string | RegExp, location: string) => ({
  ok: false,
  error: { code: "unauthorized", message: expect.stringMatching(message), location },
});

describe("signStandardWebhook", () => {
  it("reproduces the reference library's vector, with or without the whsec_ prefix", () => {
    expect(signStandardWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.payload)).toBe(VECTOR.signature);
    expect(signStandardWebhook(VECTOR.secret.slice(6), VECTOR.id, VECTOR.timestamp, new TextEncoder().encode(VECTOR.payload))).toBe(VECTOR.signature);
  });

  it("refuses a secret that is not base64", () => {
    expect(() => signStandardWebhook("whsec_not base64!", "id", 1, "")).toThrow(/whsec_/);
  });
});

describe("verifyStandardWebhook", () => {
  it("verifies the reference vector under webhook-* and svix-* header names", () => {
    expect(verifyStandardWebhook(signed(vectorHeaders()), [VECTOR.secret], VECTOR_NOW)).toEqual({ ok: true, verified: true });
    expect(verifyStandardWebhook(signed(vectorHeaders("svix")), [VECTOR.secret], VECTOR_NOW)).toEqual({ ok: true, verified: true });
  });

  it("accepts a bare base64 secret", () => {
    expect(verifyStandardWebhook(signed(vectorHeaders()), [VECTOR.secret.slice(6)], VECTOR_NOW).ok).toBe(true);
  });

  it("passes when any v1 entry matches, ignoring other versions", () => {
    const other = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    for (const header of [
      `${other} ${VECTOR.signature}`,
      `${VECTOR.signature} ${other}`,
      `v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg== ${VECTOR.signature}`,
      `v2,${VECTOR.signature.slice(3)}  ${VECTOR.signature}`,
    ]) {
      expect(verifyStandardWebhook(signed({ ...vectorHeaders(), "webhook-signature": header }), [VECTOR.secret], VECTOR_NOW).ok).toBe(true);
    }
  });

  it("does not read a v1 signature under another version's label", () => {
    const header = `v1a,${VECTOR.signature.slice(3)} v2,${VECTOR.signature.slice(3)}`;
    expect(verifyStandardWebhook(signed({ ...vectorHeaders(), "webhook-signature": header }), [VECTOR.secret], VECTOR_NOW)).toEqual(
      failure("no v1 signature", "webhook-signature"),
    );
  });

  it("passes with the signing secret anywhere among the configured ones (rotation)", () => {
    const old = "whsec_c2VjcmV0Cg==";
    for (const secrets of [[old, VECTOR.secret], [VECTOR.secret, old]]) {
      expect(verifyStandardWebhook(signed(vectorHeaders()), secrets, VECTOR_NOW).ok).toBe(true);
    }
    expect(verifyStandardWebhook(signed(vectorHeaders()), [old], VECTOR_NOW)).toEqual(failure("does not verify", "webhook-signature"));
  });

  describe("fails closed", () => {
    it("on each missing header, naming it", () => {
      for (const prefix of ["webhook", "svix"]) {
        for (const part of ["id", "timestamp", "signature"]) {
          const headers: Record<string, string> = vectorHeaders(prefix);
          delete headers[`${prefix}-${part}`];
          const result = verifyStandardWebhook(signed(headers), [VECTOR.secret], VECTOR_NOW);
          expect(result).toEqual(failure(/missing/, `${prefix}-${part}`));
        }
      }
    });

    it("on a tampered body, id or timestamp", () => {
      const cases = [
        signed(vectorHeaders(), VECTOR.payload.replace("2432232314", "2432232315")),
        signed({ ...vectorHeaders(), "webhook-id": "msg_other" }),
        signed({ ...vectorHeaders(), "webhook-timestamp": String(VECTOR.timestamp + 1) }),
      ];
      for (const request of cases) expect(verifyStandardWebhook(request, [VECTOR.secret], VECTOR_NOW)).toEqual(failure("does not verify", "webhook-signature"));
    });

    it("outside the tolerance, both ways", () => {
      const request = signed(vectorHeaders());
      const at = (seconds: number) => new Date((VECTOR.timestamp + seconds) * 1000);
      expect(verifyStandardWebhook(request, [VECTOR.secret], at(300)).ok).toBe(true);
      expect(verifyStandardWebhook(request, [VECTOR.secret], at(301))).toEqual(failure("older than 300 s", "webhook-timestamp"));
      expect(verifyStandardWebhook(request, [VECTOR.secret], at(-301))).toEqual(failure("in the future", "webhook-timestamp"));
      expect(verifyStandardWebhook(request, [VECTOR.secret], at(900), { toleranceSeconds: 900 }).ok).toBe(true);
      expect(verifyStandardWebhook(request, [VECTOR.secret], at(-900), { toleranceSeconds: 900 }).ok).toBe(true);
      expect(verifyStandardWebhook(request, [VECTOR.secret], at(61), { toleranceSeconds: 60 }).ok).toBe(false);
    });

    it("on a timestamp that is not unix seconds", () => {
      for (const timestamp of ["hello", "1614265330.0", "-1614265330", "1614265330000000"]) {
        const result = verifyStandardWebhook(signed({ ...vectorHeaders(), "webhook-timestamp": timestamp }), [VECTOR.secret], VECTOR_NOW);
        expect(result.ok).toBe(false);
      }
    });

    it("on an empty, partial or garbage signature", () => {
      for (const header of ["v1,", "v1", VECTOR.signature.slice(0, 8), "v1,dawfeoifkpqwoekfpqoekf", "v1,!!!!", " "]) {
        expect(verifyStandardWebhook(signed({ ...vectorHeaders(), "webhook-signature": header }), [VECTOR.secret], VECTOR_NOW).ok).toBe(false);
      }
    });

    it("on a header holding more entries than it reads", () => {
      const header = [...Array.from({ length: 16 }, () => "v1a,AAAA"), VECTOR.signature].join(" ");
      const result = verifyStandardWebhook(signed({ ...vectorHeaders(), "webhook-signature": header }), [VECTOR.secret], VECTOR_NOW);
      expect(result).toEqual(failure("at most 16", "webhook-signature"));
    });

    it("when no configured secret is a Standard Webhooks secret", () => {
      expect(isStandardWebhookSecret("whsec_not base64!")).toBe(false);
      expect(isStandardWebhookSecret("whsec_")).toBe(false);
      expect(isStandardWebhookSecret(VECTOR.secret)).toBe(true);
      expect(verifyStandardWebhook(signed(vectorHeaders()), ["whsec_not base64!"], VECTOR_NOW)).toEqual(failure("no configured secret", "webhook-signature"));
      expect(verifyStandardWebhook(signed(vectorHeaders()), [], VECTOR_NOW).ok).toBe(false);
    });
  });

  describe("agrees with the reference library (standardwebhooks on npm)", () => {
    const secret = fc.uint8Array({ minLength: 24, maxLength: 64 }).map((bytes) => `whsec_${Buffer.from(bytes).toString("base64")}`);
    const id = fc.stringMatching(/^msg_[A-Za-z0-9]{1,27}$/);
    const body = fc.oneof(fc.string(), fc.json());

    it("it verifies what we sign (JSON bodies: it parses the body once verified)", () => {
      fc.assert(
        fc.property(secret, id, fc.json(), (key, messageId, payload) => {
          const timestamp = Math.floor(Date.now() / 1000);
          const headers = { "webhook-id": messageId, "webhook-timestamp": String(timestamp), "webhook-signature": signStandardWebhook(key, messageId, timestamp, payload) };
          expect(() => new Webhook(key).verify(payload, headers)).not.toThrow();
        }),
        { numRuns: 50 },
      );
    });

    it("we verify what it signs, and refuse what it signs with another secret", () => {
      fc.assert(
        fc.property(secret, secret, id, body, (key, other, messageId, payload) => {
          const now = new Date();
          const timestamp = Math.floor(now.getTime() / 1000);
          const headers = { "webhook-id": messageId, "webhook-timestamp": String(timestamp), "webhook-signature": new Webhook(key).sign(messageId, now, payload) };
          expect(verifyStandardWebhook(signed(headers, payload), [key], now)).toEqual({ ok: true, verified: true });
          if (other !== key) expect(verifyStandardWebhook(signed(headers, payload), [other], now).ok).toBe(false);
        }),
        { numRuns: 50 },
      );
    });
  });

  it("never throws on arbitrary headers and bodies", () => {
    const names = fc.constantFrom("webhook-id", "webhook-timestamp", "webhook-signature", "svix-id", "svix-timestamp", "svix-signature");
    fc.assert(
      fc.property(fc.dictionary(names, fc.string()), fc.uint8Array({ maxLength: 64 }), fc.array(fc.string(), { maxLength: 3 }), (headers, body, secrets) => {
        const result = verifyStandardWebhook(inboundRequest({ headers, body }), secrets, VECTOR_NOW);
        expect(typeof result.ok).toBe("boolean");
      }),
    );
  });
});
