import { describe, expect, it } from "vitest";
import { asList, basicAuthHeader, basicPairs, verifyBasicAuth, verifyHmac, type Plugin } from "@tidings/core";
import { SIGNATURE_CHECK_NAMES, signatureChecks, testSignatures, type SignatureCheckName, type SignatureSuiteOptions } from "../src/index.js";
import { KEY, NOW, SIGNATURE, signedPlugin, signedPluginWith, signedRequest, TIMESTAMP, verifySigned, type SignedCredentials } from "./signed-plugin.js";

const NOW_S = NOW.getTime() / 1000;

const options: SignatureSuiteOptions<SignedCredentials> = {
  plugin: signedPlugin,
  credentials: { signingKey: KEY },
  wrongCredentials: { signingKey: "another-key" },
  now: NOW,
  validRequest: signedRequest(NOW_S - 30),
  stripHeaders: [SIGNATURE, TIMESTAMP],
  staleRequest: signedRequest(NOW_S - 3600),
};

testSignatures(options);

testSignatures({
  ...options,
  credentials: { signingKey: ["old-key", KEY], username: "acme", password: ["old-pw", "new-pw"] },
  validRequest: { ...options.validRequest, headers: { ...options.validRequest.headers, Authorization: basicAuthHeader("acme", "new-pw") } },
  staleRequest: { ...options.staleRequest!, headers: { ...options.staleRequest!.headers, authorization: basicAuthHeader("acme", "new-pw") } },
});

/** The names of the checks a plugin fails. */
async function failing(plugin: Plugin<string, SignedCredentials>, overrides: Partial<SignatureSuiteOptions<SignedCredentials>> = {}): Promise<SignatureCheckName[]> {
  const names: SignatureCheckName[] = [];
  for (const check of signatureChecks({ ...options, plugin, ...overrides })) {
    await check.run().catch(() => names.push(check.name));
  }
  return names;
}

describe("the signature suite catches broken verification", () => {
  it("passes the sample plugin on every check", async () => {
    expect(await failing(signedPlugin)).toEqual([]);
  });

  it("a verify that accepts everything", async () => {
    expect(await failing(signedPluginWith(() => ({ ok: true, verified: true })))).toEqual([
      "wrong credentials are unauthorized",
      "a tampered request is unauthorized",
      "each signed header is required",
      "a stale request is unauthorized",
      "with basic auth configured too, both are required",
    ]);
  });

  it("a verify that never marks the request verified", async () => {
    expect(await failing(signedPluginWith(() => ({ ok: true, verified: false, reason: "unchecked" })))).toContain("a validly signed request is verified");
  });

  it("a verify without a timestamp window", async () => {
    const noWindow = signedPluginWith(({ request, credentials }) =>
      verifyHmac({
        algorithm: "sha256",
        encoding: "hex",
        keys: asList(credentials?.signingKey),
        parts: [`${request.headers[TIMESTAMP]}.`, request.rawBody],
        presented: request.headers[SIGNATURE],
        location: SIGNATURE,
      }),
    );
    expect(await failing(noWindow)).toEqual(["a stale request is unauthorized", "with basic auth configured too, both are required"]);
  });

  it("a verify that skips the check when the signature header is missing (fails open)", async () => {
    const skips = signedPluginWith((context) =>
      context.request.headers[SIGNATURE] === undefined ? { ok: true, verified: false, reason: "unsigned" } : verifySigned(context),
    );
    expect(await failing(skips)).toEqual(["each signed header is required"]);
  });

  it("a verify that throws on a missing header (plugin_error, not unauthorized)", async () => {
    const throws = signedPluginWith((context) => {
      if (context.request.headers[SIGNATURE] === undefined) throw new Error("no signature");
      return verifySigned(context);
    });
    expect(await failing(throws)).toEqual(["each signed header is required"]);
  });

  it("a verify that signs the timestamp but not the body", async () => {
    const headerOnly = signedPluginWith((context) => {
      const signature = context.request.headers[SIGNATURE];
      const bodyless = signedRequest(Number(context.request.headers[TIMESTAMP]), KEY).headers![SIGNATURE];
      return signature !== undefined && signature === bodyless ? { ok: true, verified: true } : verifySigned(context);
    });
    expect(await failing(headerOnly)).toContain("a tampered request is unauthorized");
  });

  it("a verify that ignores basic auth once the signature verifies", async () => {
    const signatureOnly = signedPluginWith((context) => verifySigned({ ...context, credentials: { signingKey: context.credentials?.signingKey } }));
    expect(await failing(signatureOnly)).toEqual(["with basic auth configured too, both are required"]);
  });

  it("a verify that lets a request without an Authorization header skip basic auth (fails open)", async () => {
    const skipsMissing = signedPluginWith((context) =>
      context.request.headers["authorization"] === undefined
        ? verifySigned({ ...context, credentials: { signingKey: context.credentials?.signingKey } })
        : verifySigned(context),
    );
    expect(await failing(skipsMissing)).toEqual(["with basic auth configured too, both are required"]);
  });

  it("a verify that only checks an Authorization header is present", async () => {
    const presenceOnly = signedPluginWith((context) => {
      const signature = verifySigned({ ...context, credentials: { signingKey: context.credentials?.signingKey } });
      const wantsBasic = basicPairs(context.credentials ?? {}) !== undefined;
      return wantsBasic && context.request.headers["authorization"] === undefined ? { ok: false, error: { code: "unauthorized", message: "no auth" } } : signature;
    });
    expect(await failing(presenceOnly)).toEqual(["with basic auth configured too, both are required"]);
  });

  it("a verify that accepts basic auth in place of the signature", async () => {
    const either = signedPluginWith((context) => {
      const basic = verifyBasicAuth(context.request, basicPairs(context.credentials ?? {}));
      return basic.ok && basic.verified ? basic : verifySigned(context);
    });
    expect(await failing(either)).toEqual(["with basic auth configured too, both are required"]);
  });
});

describe("the signature suite's own rules", () => {
  it("has a check for each name, in order", () => {
    expect(signatureChecks(options).map((check) => check.name)).toEqual([...SIGNATURE_CHECK_NAMES]);
  });

  it("fails a check whose input is missing unless it is declared exempt, and carries the reason", async () => {
    expect(await failing(signedPlugin, { staleRequest: undefined, stripHeaders: [] })).toEqual([
      "each signed header is required",
      "a stale request is unauthorized",
    ]);
    const exempt = signatureChecks({ ...options, staleRequest: undefined, exempt: { "a stale request is unauthorized": "the provider signs no time" } });
    expect(exempt.find((check) => check.name === "a stale request is unauthorized")?.exempt).toBe("the provider signs no time");
  });

  it("refuses to strip a header the valid request does not carry", async () => {
    const check = signatureChecks({ ...options, stripHeaders: ["x-not-sent"] }).find((c) => c.name === "each signed header is required")!;
    await expect(check.run()).rejects.toThrow(/does not carry/);
  });

  it("refuses credentials the plugin's schema rejects, saying which", async () => {
    const check = signatureChecks({ ...options, wrongCredentials: { signingKey: 3 } }).find((c) => c.name === "wrong credentials are unauthorized")!;
    await expect(check.run()).rejects.toThrow(/wrongCredentials: credentials for signed-sample are invalid: signingKey/);
  });
});
