import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hmac, MAX_PRESENTED_SIGNATURES, verifyHmac, type VerifyHmacOptions } from "../../src/verify/index.js";

/** RFC 4231 section 4.3 (test case 2) for SHA-256/512; RFC 2202 section 3 (test case 2) for SHA-1. */
const JEFE = { key: "Jefe", data: "what do ya want for nothing?" };
const RFC4231_2_SHA256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
const RFC4231_2_SHA512 =
  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737";
const RFC2202_2_SHA1 = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
/** RFC 4231 section 4.2 (test case 1): a binary key. */
const RFC4231_1 = { key: new Uint8Array(20).fill(0x0b), data: "Hi There", sha256: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" };

/**
 * The fixture every official Mailtrap SDK shares, from
 * https://github.com/mailtrap/mailtrap-python/blob/main/tests/unit/test_webhook_signature.py:
 * lowercase hex HMAC-SHA256 of the raw body under the webhook's signing secret.
 */
const MAILTRAP = {
  payload:
    '{"event":"delivery","sending_stream":"transactional","category":"welcome","message_id":"a8b1d8f6-1f8d-4a3c-9b2e-1a2b3c4d5e6f","email":"recipient@example.com","event_id":"f1e2d3c4-b5a6-7890-1234-567890abcdef","timestamp":1716070000}',
  secret: "8d9a3c0e7f5b2d4a6c1e9f8b3a7d5c2e",
  signature: "6d262e2611cd09be1f948382b5c611d63b0e585c4c9c5e40139d6ac3876d5433",
};

const mailtrap = (overrides: Partial<VerifyHmacOptions> = {}): VerifyHmacOptions => ({
  algorithm: "sha256",
  encoding: "hex",
  keys: [MAILTRAP.secret],
  parts: [MAILTRAP.payload],
  presented: MAILTRAP.signature,
  location: "mailtrap-signature",
  ...overrides,
});

const failure = (message: string | RegExp) => ({ ok: false, error: { code: "unauthorized", message: expect.stringMatching(message), location: "mailtrap-signature" } });

describe("hmac", () => {
  it("matches RFC 4231 and RFC 2202 for each algorithm", () => {
    expect(hmac("sha256", JEFE.key, [JEFE.data]).toString("hex")).toBe(RFC4231_2_SHA256);
    expect(hmac("sha512", JEFE.key, [JEFE.data]).toString("hex")).toBe(RFC4231_2_SHA512);
    expect(hmac("sha1", JEFE.key, [JEFE.data]).toString("hex")).toBe(RFC2202_2_SHA1);
    expect(hmac("sha256", RFC4231_1.key, [RFC4231_1.data]).toString("hex")).toBe(RFC4231_1.sha256);
  });

  it("digests the parts as one byte string, text and bytes alike", () => {
    expect(hmac("sha256", JEFE.key, ["what do ya ", new TextEncoder().encode("want for "), "nothing?"]).toString("hex")).toBe(RFC4231_2_SHA256);
  });
});

describe("verifyHmac", () => {
  it("verifies Mailtrap's cross-SDK fixture", () => {
    expect(verifyHmac(mailtrap())).toEqual({ ok: true, verified: true });
  });

  it("reads hex in either case", () => {
    expect(verifyHmac(mailtrap({ presented: MAILTRAP.signature.toUpperCase() })).ok).toBe(true);
  });

  it("reads base64 and base64url digests", () => {
    const digest = createHmac("sha256", JEFE.key).update(JEFE.data).digest();
    const options = { algorithm: "sha256", keys: [JEFE.key], parts: [JEFE.data], location: "sig" } as const;
    expect(verifyHmac({ ...options, encoding: "base64", presented: digest.toString("base64") }).ok).toBe(true);
    expect(verifyHmac({ ...options, encoding: "base64url", presented: digest.toString("base64url") }).ok).toBe(true);
    expect(verifyHmac({ ...options, encoding: "base64", presented: digest.toString("hex") }).ok).toBe(false);
  });

  it("decodes base64 keys when asked (Standard Webhooks secrets are base64)", () => {
    const key = Buffer.from("a binary key \u0000\u00ff", "latin1");
    const presented = createHmac("sha256", key).update("body").digest("hex");
    const options = { algorithm: "sha256", encoding: "hex", parts: ["body"], presented, location: "sig" } as const;
    expect(verifyHmac({ ...options, keys: [key.toString("base64")], keyEncoding: "base64" }).ok).toBe(true);
    expect(verifyHmac({ ...options, keys: [key.toString("base64")] }).ok).toBe(false);
  });

  describe("rotation", () => {
    it("passes when the matching key is anywhere in the list", () => {
      for (const keys of [[MAILTRAP.secret, "old"], ["old", MAILTRAP.secret], ["a", "b", MAILTRAP.secret, "c"]]) {
        expect(verifyHmac(mailtrap({ keys }))).toEqual({ ok: true, verified: true });
      }
    });

    it("passes when the matching signature is anywhere among those presented", () => {
      const other = "0".repeat(64);
      for (const presented of [[MAILTRAP.signature, other], [other, MAILTRAP.signature], ["zz", other, MAILTRAP.signature]]) {
        expect(verifyHmac(mailtrap({ presented }))).toEqual({ ok: true, verified: true });
      }
    });
  });

  describe("fails closed", () => {
    it("on a wrong key", () => {
      expect(verifyHmac(mailtrap({ keys: ["ffffffffffffffffffffffffffffffff"] }))).toEqual(failure("does not verify"));
    });

    it("on a tampered payload", () => {
      expect(verifyHmac(mailtrap({ parts: [MAILTRAP.payload.replace("delivery", "Delivery")] }))).toEqual(failure("does not verify"));
    });

    it("on a missing or empty signature", () => {
      for (const presented of [undefined, "", "   ", [], ["", " "]]) expect(verifyHmac(mailtrap({ presented }))).toEqual(failure("missing"));
    });

    it("on a signature that is not the encoding, or not the digest's length", () => {
      const cases = ["z".repeat(64), MAILTRAP.signature.slice(0, 31), MAILTRAP.signature.slice(0, 62), `${MAILTRAP.signature}00`, `0x${MAILTRAP.signature}`];
      for (const presented of cases) expect(verifyHmac(mailtrap({ presented }))).toEqual(failure("not a hex sha256 digest"));
    });

    it("on a signature that Buffer.from would half-decode (trailing garbage)", () => {
      expect(verifyHmac(mailtrap({ presented: `${MAILTRAP.signature}zz` })).ok).toBe(false);
      const digest = createHmac("sha256", JEFE.key).update(JEFE.data).digest("base64");
      const options = { algorithm: "sha256", encoding: "base64", keys: [JEFE.key], parts: [JEFE.data], location: "sig" } as const;
      expect(verifyHmac({ ...options, presented: `${digest}!!` }).ok).toBe(false);
      expect(verifyHmac({ ...options, presented: `${digest.slice(0, 20)}*${digest.slice(20)}` }).ok).toBe(false);
    });

    it("with no keys configured", () => {
      expect(verifyHmac(mailtrap({ keys: [] }))).toEqual(failure("no signing key"));
    });

    it("on more signatures than it reads", () => {
      const presented = [...Array.from({ length: MAX_PRESENTED_SIGNATURES }, () => "0".repeat(64)), MAILTRAP.signature];
      expect(verifyHmac(mailtrap({ presented }))).toEqual(failure("at most"));
      expect(verifyHmac(mailtrap({ presented: presented.slice(1) })).ok).toBe(true);
    });

    it("with a digest of another algorithm's length", () => {
      expect(verifyHmac(mailtrap({ algorithm: "sha1" })).ok).toBe(false);
      expect(verifyHmac(mailtrap({ algorithm: "sha512" })).ok).toBe(false);
    });
  });

  it("never throws, and verifies exactly when a true digest is presented, over arbitrary inputs", () => {
    const bytes = fc.oneof(fc.string(), fc.uint8Array({ maxLength: 80 }));
    fc.assert(
      fc.property(
        fc.constantFrom(...(["sha1", "sha256", "sha512"] as const)),
        fc.constantFrom(...(["hex", "base64", "base64url"] as const)),
        fc.array(bytes, { maxLength: 3 }),
        fc.array(bytes, { maxLength: 3 }),
        fc.array(fc.string(), { maxLength: 20 }),
        fc.option(fc.nat(), { nil: undefined }),
        (algorithm, encoding, keys, parts, noise, slot) => {
          const truths = keys.map((key) => hmac(algorithm, key, parts).toString(encoding));
          const presented = [...noise];
          if (slot !== undefined && truths.length > 0) presented.splice(slot % (presented.length + 1), 0, truths[slot % truths.length]!);
          const read = presented.map((value) => value.trim()).filter((value) => value !== "");
          const genuine = read.length <= MAX_PRESENTED_SIGNATURES && read.some((value) => truths.includes(value));
          expect(verifyHmac({ algorithm, encoding, keys, parts, presented, location: "sig" }).ok).toBe(genuine);
        },
      ),
    );
  });
});
