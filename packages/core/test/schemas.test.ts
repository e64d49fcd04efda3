import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonSchemaOf, PUBLISHED_SCHEMA_NAMES, STATUSES, validatorFor } from "../src/index.js";
import { EventBodySchema, generatedJsonSchema, PUBLISHED_SCHEMAS } from "../src/zod-schemas.js";

const names = PUBLISHED_SCHEMA_NAMES;

describe("published JSON Schemas", () => {
  it.each(names)("schemas/%s.schema.json matches the zod schema (run gen:schemas after changing one)", (name) => {
    const committed = JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), "utf8"));
    expect(committed).toEqual(generatedJsonSchema(name));
    expect(jsonSchemaOf(name)).toEqual(committed);
  });

  it("publishes every zod schema the list names, and no other", () => {
    expect(Object.keys(PUBLISHED_SCHEMAS).sort()).toEqual([...PUBLISHED_SCHEMA_NAMES].sort());
  });

  it("hands out a copy of a schema, so a caller's change cannot reach the validators", () => {
    const copy = jsonSchemaOf("event-body");
    copy["$ref"] = "#/$defs/Status";
    expect(jsonSchemaOf("event-body")["$ref"]).toBe("#/$defs/EventBody");
  });

  it.each(names)("%s compiles with ajv's draft 2020-12 validator", (name) => {
    expect(() => new Ajv2020({ strict: true }).compile(jsonSchemaOf(name))).not.toThrow();
  });

  it("zod and the compiled validator agree on EventBody candidates", () => {
    const candidate = fc.record(
      {
        status: fc.oneof(fc.constantFrom(...STATUSES), fc.string()),
        date: fc.oneof(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date("9999-01-01") }).map((d) => d.toISOString()), fc.string()),
        externalId: fc.string({ maxLength: 3 }),
        attempts: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double()),
        response: fc.string(),
        row: fc.string(),
        extra: fc.string(),
      },
      { requiredKeys: [] },
    );
    const validate = validatorFor("event-body");
    fc.assert(
      fc.property(candidate, (value) => {
        expect(validate(value)).toBe(EventBodySchema.safeParse(value).success);
      }),
      { numRuns: 500 },
    );
  });

  it("zod and the compiled validator count a length limit in the same units (code points)", () => {
    const base = { status: "delivered", date: "2026-01-01T00:00:00.000Z" };
    const validate = validatorFor("event-body");
    // 513 emoji: 513 code points but 1,026 UTF-16 units; externalId's limit is 1,024 characters.
    for (const externalId of ["\u{1F600}".repeat(512), "\u{1F600}".repeat(513), "x".repeat(1024), "x".repeat(1025)]) {
      const value = { ...base, externalId };
      expect(validate(value), `${externalId.length} units`).toBe(EventBodySchema.safeParse(value).success);
    }
    expect(validate({ ...base, externalId: "\u{1F600}".repeat(513) })).toBe(true);
    expect(validate({ ...base, externalId: "x".repeat(1025) })).toBe(false);
  });
});
