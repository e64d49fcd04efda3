import { describe, expect, it } from "vitest";
import type { VerifyResult } from "../../src/plugin.js";
import { allConfigured, unauthorized, whenConfigured } from "../../src/verify/index.js";

const verified: VerifyResult = { ok: true, verified: true };
const unset = (reason: string): VerifyResult => ({ ok: true, verified: false, reason });

describe("unauthorized", () => {
  it("is a failure with the unauthorized code, the message and the location", () => {
    expect(unauthorized("the signature does not verify", "x-signature")).toEqual({
      ok: false,
      error: { code: "unauthorized", message: "the signature does not verify", location: "x-signature" },
    });
  });

  it("leaves the location out when none is given", () => {
    expect(unauthorized("no")).toEqual({ ok: false, error: { code: "unauthorized", message: "no" } });
  });
});

describe("allConfigured", () => {
  it("returns the first failure, whatever passed around it", () => {
    const first = unauthorized("first", "a");
    expect(allConfigured(verified, first, unauthorized("second", "b"))).toBe(first);
    expect(allConfigured(unset("no key"), first)).toBe(first);
  });

  it("is verified when one check verified and the others had nothing configured", () => {
    expect(allConfigured(unset("no basic auth"), verified)).toEqual(verified);
    expect(allConfigured(verified, unset("no basic auth"))).toEqual(verified);
  });

  it("is not configured, with every reason, when no check was configured", () => {
    expect(allConfigured(unset("no signing key is configured"), unset("no basic auth credentials are configured"))).toEqual(
      unset("no signing key is configured; no basic auth credentials are configured"),
    );
  });

  it("with no checks at all, is not configured", () => {
    const result = allConfigured();
    expect(result.ok && !result.verified).toBe(true);
  });
});

describe("whenConfigured", () => {
  it("reports the reason without running the check when the value is undefined", () => {
    let ran = false;
    const result = whenConfigured<string>(undefined, "no signing key is configured", () => {
      ran = true;
      return verified;
    });
    expect(result).toEqual(unset("no signing key is configured"));
    expect(ran).toBe(false);
  });

  it("runs the check with the value when it is set, and returns its verdict", () => {
    const failure = unauthorized("bad", "x");
    expect(whenConfigured("key", "unused", (key) => (key === "key" ? failure : verified))).toBe(failure);
  });

  it("treats an empty string as configured (fail closed), not as missing", () => {
    expect(whenConfigured("", "unused", () => unauthorized("empty key")).ok).toBe(false);
  });
});
