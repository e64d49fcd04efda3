import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { basicAuthHeader, verifyBasicAuth } from "../../src/basic-auth.js";
import { parseCredentials } from "../../src/credentials.js";
import type { AnyPlugin } from "../../src/plugin.js";
import { inboundRequest } from "../../src/request.js";
import type { SchemaLike } from "../../src/lazy-schema.js";
import { vouchForCredentials, type CredentialSpec } from "../../src/verify/credentials.js";
import { asList, basicPairs, credentialsSchema } from "../../src/verify/index.js";

/** Messages as hosts show them: through core's parseCredentials, which prefixes each with its path. */
function problems(schema: SchemaLike<unknown>, value: unknown): string {
  const result = parseCredentials({ id: "example", credentials: schema } as unknown as AnyPlugin, value);
  return result.ok ? "(valid)" : result.message;
}

describe("a SecretList field", () => {
  const keyed = credentialsSchema({ signingKey: "required" });

  it("takes one non-empty string or a non-empty list of them", () => {
    for (const value of ["k", ["k"], ["k1", "k2"]]) expect(keyed.safeParse({ signingKey: value }).success).toBe(true);
    for (const value of ["", [], [""], ["k", ""], 3, null, undefined, { k: 1 }]) expect(keyed.safeParse({ signingKey: value }).success).toBe(false);
  });
});

describe("asList", () => {
  it("gives the same frozen array for the same input, so per-list caches are built once", () => {
    const configured = ["old", "new"];
    const list = asList(configured);
    expect(list).toEqual(["old", "new"]);
    expect(asList(configured)).toBe(list);
    expect(Object.isFrozen(list)).toBe(true);
    expect(asList("one")).toBe(asList("one"));
    expect(asList("one")).toEqual(["one"]);
    expect(asList(undefined)).toEqual([]);
  });

  it("does not follow later changes to the configured array", () => {
    const configured = ["a"];
    const list = asList(configured);
    configured.push("b");
    expect(asList(configured)).toEqual(["a"]);
    expect(list).toEqual(["a"]);
  });
});

describe("credentialsSchema", () => {
  const signed = credentialsSchema({ signingKey: "required", url: "optional", extra: (z) => ({ maxAgeSeconds: z.number().int().positive().optional() }) });

  it("accepts the shared names with single values or lists, and the plugin's extra fields", () => {
    const valid = [
      { signingKey: "k" },
      { signingKey: ["old", "new"], url: "https://example.com/hook?x=1" },
      { signingKey: "k", url: ["https://a.example/h", "http://b.example/h"], maxAgeSeconds: 60 },
      { signingKey: "k", username: "u", password: "p" },
      { signingKey: "k", username: ["u1", "u2"], password: ["p1", "p2"] },
      { signingKey: "k", username: "u", password: ["p1", "p2"] },
      { signingKey: "k", username: ["u1", "u2"], password: "p" },
      { signingKey: "k", username: ["u1"], password: ["p1", "p2", "p3"] },
    ];
    for (const value of valid) expect(problems(signed, value)).toBe("(valid)");
  });

  it("names the field and what it expects when a shape is wrong", () => {
    expect(problems(signed, { signingKey: 42 })).toBe(
      "credentials for example are invalid: signingKey: expected a string or a list of strings (the webhook signing key)",
    );
    expect(problems(signed, {})).toContain("signingKey: required: a string or a list of strings (the webhook signing key)");
    expect(problems(signed, { signingKey: "" })).toContain("signingKey: must not be empty (the webhook signing key)");
    expect(problems(signed, { signingKey: [] })).toContain("signingKey: must not be empty (the webhook signing key)");
    expect(problems(signed, { signingKey: ["k", 3] })).toContain("signingKey: expected a string or a list of strings (the webhook signing key)");
    expect(problems(signed, { signingKey: "k", url: "ftp://example.com/" })).toContain(
      "url: expected an http(s) URL or a list of them (the webhook URL exactly as configured at the provider)",
    );
    expect(problems(signed, { signingKey: "k", url: "not a url" })).toContain("url: expected an http(s) URL");
  });

  it("refuses a field the spec does not name, listing the accepted ones", () => {
    expect(problems(signed, { signingKey: "k", publicKey: "p" })).toBe(
      'credentials for example are invalid: (root): unexpected field "publicKey"; the accepted fields are username, password, signingKey, url, maxAgeSeconds',
    );
    expect(problems(credentialsSchema({}), { signing_key: "k", token: "t" })).toContain('unexpected fields "signing_key", "token"; the accepted fields are username, password');
  });

  it("makes a field optional or required as the spec says", () => {
    const optional = credentialsSchema({ publicKey: "optional" });
    expect(problems(optional, {})).toBe("(valid)");
    expect(problems(optional, { publicKey: "MFkw" })).toBe("(valid)");
    expect(problems(credentialsSchema({ publicKey: "required" }), {})).toContain("publicKey: required");
  });

  it("keeps username and password together", () => {
    expect(problems(signed, { signingKey: "k", username: "u" })).toContain("password: required with username");
    expect(problems(signed, { signingKey: "k", password: "p" })).toContain("username: required with password");
  });

  it("pairs lists of usernames and passwords by position, so their lengths must agree", () => {
    expect(problems(signed, { signingKey: "k", username: ["u1", "u2"], password: ["p1", "p2", "p3"] })).toContain(
      "password: expected one password per username (2), paired by position, or a single password for all of them",
    );
  });

  it("refuses an extra field that reuses a shared name, when the schema is built", () => {
    expect(() => credentialsSchema({ extra: (z) => ({ signingKey: z.string() }) }).schema).toThrow(/shared field/);
    expect(() => credentialsSchema({ extra: (z) => ({ password: z.string() }) }).schema).toThrow(/shared field/);
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(typeof signed.safeParse(value).success).toBe("boolean");
      }),
    );
  });
});

describe("checking credentials without zod", () => {
  const specs: CredentialSpec[] = [
    {},
    { signingKey: "required" },
    { publicKey: "optional" },
    { signingKey: "optional", url: "optional", signedUrl: { urlWhy: "signed", signingKeyWhy: "signed" } },
    { signingKey: "optional", extra: (z) => ({ maxAgeSeconds: z.int().positive().optional() }) },
  ];
  const secret = fc.oneof(fc.constantFrom("", "k", "u", "p"), fc.string({ maxLength: 3 }));
  const fieldValue = fc.oneof(
    secret,
    fc.array(secret, { maxLength: 3 }),
    fc.constantFrom(undefined, null, 3, {}, "https://example.com/hook", ["https://example.com/hook"]),
  );
  const goodSecret = fc.oneof(fc.string({ minLength: 1, maxLength: 3 }), fc.array(fc.string({ minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }));
  const candidate = fc.oneof(
    fc.record({ username: goodSecret, password: goodSecret, signingKey: goodSecret, publicKey: goodSecret }, { requiredKeys: [] }),
    fc.dictionary(fc.constantFrom("username", "password", "signingKey", "publicKey", "url", "maxAgeSeconds", "token", "__proto__"), fieldValue, { maxKeys: 4 }),
    fc.anything(),
  );

  it.each(specs.map((spec, i) => [i, spec] as const))("vouches only for what zod accepts, with zod's data (spec %i)", (_, spec) => {
    const vouch = vouchForCredentials(spec)!;
    const schema = credentialsSchema(spec).schema;
    let vouched = 0;
    fc.assert(
      fc.property(candidate, (value) => {
        const sure = vouch(value);
        if (sure === undefined) return;
        vouched++;
        const parsed = schema.safeParse(value);
        expect(parsed.success).toBe(true);
        expect(sure.data).toStrictEqual(parsed.data);
        expect(Object.keys(sure.data)).toEqual(Object.keys(parsed.data!));
      }),
      { numRuns: 2000, seed: 20261202 },
    );
    // The generator reaches the vouching path often, so the property above is not vacuous.
    expect(vouched).toBeGreaterThan(20);
  });

  it("leaves a plugin's own fields, URLs and required extras to zod", () => {
    const extra = vouchForCredentials({ signingKey: "optional", extra: (z) => ({ maxAgeSeconds: z.int().optional() }) })!;
    expect(extra({ signingKey: "k" })).toEqual({ data: { signingKey: "k" } });
    expect(extra({ signingKey: "k", maxAgeSeconds: 60 })).toBeUndefined();
    expect(vouchForCredentials({ url: "optional" })!({ url: "https://example.com/" })).toBeUndefined();
    expect(vouchForCredentials({ extra: (z) => ({ topic: z.string() }), requiredExtra: ["topic"] })).toBeUndefined();
  });

  it("is what safeParse uses, refinements included", () => {
    const refined = credentialsSchema({ signingKey: "optional" }).refine((c) => c.signingKey !== "weak", { path: ["signingKey"], message: "too weak" });
    expect(refined.safeParse({ signingKey: "strong" })).toEqual({ success: true, data: { signingKey: "strong" } });
    expect(refined.safeParse({ signingKey: "weak" }).error?.issues[0]?.message).toBe("too weak");
  });

  it("refuses, when built, extras whose optionality requiredExtra does not state", () => {
    expect(() => credentialsSchema({ extra: (z) => ({ n: z.int().default(5) }) }).schema).toThrow(/"n" must be optional without a default/);
    expect(() => credentialsSchema({ extra: (z) => ({ n: z.int() }) }).schema).toThrow(/"n" must be optional without a default, or listed in requiredExtra/);
    expect(() => credentialsSchema({ extra: (z) => ({ n: z.int().optional() }), requiredExtra: ["n"] }).schema).toThrow(/"n" must be required/);
    expect(() => credentialsSchema({ extra: (z) => ({ n: z.int() }), requiredExtra: ["n", "m"] }).schema).toThrow(/requiredExtra names "m"/);
    expect(() => credentialsSchema({ extra: (z) => ({ n: z.int() }), requiredExtra: ["n"] }).schema).not.toThrow();
  });
});

describe("basicPairs", () => {
  it("pairs by position, or a single value with each of the other list", () => {
    expect(basicPairs({ username: "u", password: "p" })).toEqual([{ username: "u", password: "p" }]);
    expect(basicPairs({ username: ["u1", "u2"], password: ["p1", "p2"] })).toEqual([
      { username: "u1", password: "p1" },
      { username: "u2", password: "p2" },
    ]);
    expect(basicPairs({ username: "u", password: ["old", "new"] })).toEqual([
      { username: "u", password: "old" },
      { username: "u", password: "new" },
    ]);
    expect(basicPairs({ username: ["a", "b"], password: ["p"] })).toEqual([
      { username: "a", password: "p" },
      { username: "b", password: "p" },
    ]);
  });

  it("is undefined when basic auth is not configured", () => {
    expect(basicPairs({})).toBeUndefined();
    expect(basicPairs({ username: "u" })).toBeUndefined();
  });

  it("gives the same array for the same credentials object (verifyBasicAuth caches by it)", () => {
    const credentials = { username: "u", password: ["a", "b"] };
    expect(basicPairs(credentials)).toBe(basicPairs(credentials));
  });

  it("feeds verifyBasicAuth: every paired password is accepted, an unpaired one is not", () => {
    const credentials = { username: ["alice", "bob"], password: ["alice-pw", "bob-pw"] };
    const as = (user: string, password: string) => verifyBasicAuth(inboundRequest({ headers: { authorization: basicAuthHeader(user, password) }, body: "" }), basicPairs(credentials));
    expect(as("alice", "alice-pw").ok).toBe(true);
    expect(as("bob", "bob-pw").ok).toBe(true);
    expect(as("alice", "bob-pw").ok).toBe(false);
  });
});
