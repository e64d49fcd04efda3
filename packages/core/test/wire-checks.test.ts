import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BOUNCE_CLASSES, DATE_SOURCES, REJECT_REASONS, STATUSES, validatorFor, WIRE_LIMITS } from "../src/index.js";
import { surelyBuiltEventBody, surelyEventDetails } from "../src/wire-checks.js";

/**
 * Candidates mostly valid field by field (so whole valid objects are common) with values at and
 * just past each limit, astral characters (two UTF-16 units, one code point), wrong types and
 * unknown keys mixed in.
 */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const odd = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.double(), fc.boolean(), fc.constant([]), fc.constant({}));
const text = (min: number, max: number) =>
  mostly(
    fc.oneof(fc.string({ minLength: min, maxLength: 6 }), fc.constantFrom("x".repeat(max), "\u{1F600}".repeat(Math.floor(max / 2)))),
    fc.oneof(fc.constantFrom("x".repeat(max + 1), "\u{1F600}".repeat(max), "\u{1F600}".repeat(max + 1), ...(min > 0 ? [""] : [])), odd),
  );
const oneOf = (values: readonly string[]) => mostly(fc.constantFrom(...values), fc.oneof(fc.string({ maxLength: 4 }), odd));

const bodyCandidate = fc.record(
  {
    status: oneOf(STATUSES),
    date: mostly(
      fc.date({ noInvalidDate: true, min: new Date(0), max: new Date("9999-01-01") }).map((d) => d.toISOString()),
      fc.oneof(
        fc.string(),
        fc.constant("2026-01-01T00:00:00.000Z\n"),
        // One character of a valid instant changed: a near miss at every position.
        fc
          .tuple(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date("9999-01-01") }), fc.nat(23), fc.constantFrom("x", "1", "-", ":", "T", ".", "Z", " ", "\u0663", "/"))
          .map(([d, at, c]) => `${d.toISOString().slice(0, at)}${c}${d.toISOString().slice(at + 1)}`),
        odd,
      ),
    ),
    externalId: text(1, WIRE_LIMITS.externalId),
    attempts: mostly(fc.integer({ min: 0, max: 1_000_000 }), fc.oneof(fc.constantFrom(-1, 1_000_001, -0, 0.5, Number.NaN, Infinity), odd)),
    response: text(0, WIRE_LIMITS.text),
    row: mostly(fc.string(), odd),
  },
  { requiredKeys: ["status", "date"] },
);

const detailsCandidate = fc.record(
  {
    recipient: text(1, WIRE_LIMITS.recipient),
    tags: mostly(
      fc.array(text(1, WIRE_LIMITS.tag), { maxLength: 3 }),
      fc.oneof(fc.constantFrom(Array.from({ length: WIRE_LIMITS.tags + 1 }, () => "t"), [1], [undefined]), odd),
    ),
    metadata: mostly(
      fc.dictionary(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 6 }),
          fc.constantFrom("", "__proto__", "x".repeat(WIRE_LIMITS.metadataKey), "x".repeat(WIRE_LIMITS.metadataKey + 1), "\u{1F600}".repeat(WIRE_LIMITS.metadataKey)),
        ),
        text(0, WIRE_LIMITS.metadataValue),
        { maxKeys: 3 },
      ),
      odd,
    ),
    clickUrl: text(1, WIRE_LIMITS.clickUrl),
    userAgent: text(1, WIRE_LIMITS.userAgent),
    ip: text(1, WIRE_LIMITS.ip),
    bounceClass: oneOf(BOUNCE_CLASSES),
    rejectReason: oneOf(REJECT_REASONS),
    smtpCode: mostly(fc.stringMatching(/^[2-5][0-9][0-9]$/), fc.oneof(fc.constantFrom("199", "600", "55", "5500", "550\n", "550 "), odd)),
    enhancedStatus: mostly(
      fc.stringMatching(/^[245]\.[0-9]{1,3}\.[0-9]{1,3}$/),
      fc.oneof(fc.constantFrom("3.1.1", "5.1", "5.1000.1", "5.1.1\n", " 5.1.1"), odd),
    ),
    mtaResponse: text(1, WIRE_LIMITS.text),
    description: text(1, WIRE_LIMITS.text),
    dateSource: oneOf(DATE_SOURCES),
  },
  { requiredKeys: [] },
);

const withStray = <T extends object>(candidate: fc.Arbitrary<T>) =>
  fc
    .tuple(candidate, fc.integer({ min: 0, max: 3 }), fc.string({ minLength: 1, maxLength: 4 }))
    .map(([value, stray, key]) => (stray === 0 ? { ...value, [key]: "x" } : value));

describe("the engine's plain schema checks", () => {
  // The engine trusts a "yes" without asking ajv, so a yes where ajv says no would let an invalid
  // event through; a "no" is sent on to ajv, and agreeing there too keeps the common path fast.
  // The one disagreement allowed: within a limit in code points, over it in UTF-16 units.
  it.each([
    ["EventDetails", "event-details", surelyEventDetails, withStray(detailsCandidate)],
    // As the engine builds one: a date from toIsoDate and a row of text, the rest from the plugin.
    [
      "EventBody (built by the engine)",
      "event-body",
      surelyBuiltEventBody,
      fc
        .tuple(bodyCandidate, fc.date({ noInvalidDate: true, min: new Date(0), max: new Date("9999-12-31") }), fc.string())
        .map(([body, date, row]) => ({ ...body, date: date.toISOString(), row })),
    ],
  ] as const)("agree with the compiled %s validator", (_, schema, surely, candidate) => {
    const validate = validatorFor(schema);
    let agreedYes = 0;
    fc.assert(
      fc.property(candidate as fc.Arbitrary<object>, (value) => {
        const fast = (surely as (value: object) => boolean)(value);
        const valid = validate(value);
        if (fast) {
          expect(valid).toBe(true);
          agreedYes++;
        } else if (valid) {
          expect(JSON.stringify(value)).toMatch(/\u{1F600}/u);
        }
      }),
      { numRuns: 3000 },
    );
    expect(agreedYes).toBeGreaterThan(100);
  });

  it("refuse unknown detail keys as the schema does", () => {
    expect(surelyEventDetails({ recipient: "a@b.c", nope: undefined })).toBe(false);
    expect(validatorFor("event-details")({ recipient: "a@b.c", nope: undefined })).toBe(false);
    expect(surelyEventDetails({ recipient: undefined, tags: undefined })).toBe(true);
  });
});
