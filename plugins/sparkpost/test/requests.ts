import fc from "fast-check";
import { basicAuthHeader } from "@tidings/core";
import type { SuiteRequest } from "@tidings/testkit";

/** Two pairs, as during a rotation: requests carry either one. */
export const CREDENTIALS = { username: ["sparkpost", "sparkpost-2026"], password: ["hook-secret-1", "hook-secret-2"] };
const AUTH_HEADERS = [basicAuthHeader("sparkpost", "hook-secret-1"), basicAuthHeader("sparkpost-2026", "hook-secret-2")];

/** The category SparkPost files each type under; unknown names go under any of them. */
const CATEGORY = new Map<string, string>(Object.entries({
  injection: "message_event",
  delivery: "message_event",
  delay: "message_event",
  bounce: "message_event",
  out_of_band: "message_event",
  policy_rejection: "message_event",
  spam_complaint: "message_event",
  sms_status: "message_event",
  generation_failure: "gen_event",
  generation_rejection: "gen_event",
  open: "track_event",
  initial_open: "track_event",
  amp_open: "track_event",
  amp_initial_open: "track_event",
  click: "track_event",
  amp_click: "track_event",
  list_unsubscribe: "unsubscribe_event",
  link_unsubscribe: "unsubscribe_event",
  relay_injection: "relay_event",
  relay_rejection: "relay_event",
  relay_delivery: "relay_event",
  relay_tempfail: "relay_event",
  relay_permfail: "relay_event",
  ab_test_completed: "ab_test_event",
  ab_test_cancelled: "ab_test_event",
}));
const CATEGORIES = [...new Set(CATEGORY.values()), "ingest_event"];

/** Documented bounce classes by the refinement they give `bounce` and `out_of_band`; "" keeps the plain name. */
const CLASSES_BY_REFINEMENT: Readonly<Record<string, readonly string[]>> = {
  "": ["1", "10", "20", "21", "22", "23", "24", "30", "40", "70", "99"],
  block: ["50", "51", "52", "53", "54"],
  admin: ["25"],
  auto_reply: ["60", "100"],
  subscribe: ["80"],
  unsubscribe: ["90"],
};

const timestamp = fc
  .integer({ min: 1_400_000_000, max: 2_000_000_000 })
  .chain((s) => fc.constantFrom<string | number>(String(s), s, `${s}.241`, new Date(s * 1000).toISOString(), new Date(s * 1000).toISOString().replace("Z", "+00:00")));

/** The fields SparkPost events carry, each present or not, with documented shapes. */
const fields = fc.record(
  {
    event_id: fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 18n }).map(String), fc.uuid()),
    message_id: fc.oneof(fc.stringMatching(/^[0-9a-f]{20}$/), fc.uuid()),
    transmission_id: fc.bigInt({ min: 1n, max: 10n ** 17n }).map(String),
    rcpt_to: fc.emailAddress(),
    raw_rcpt_to: fc.emailAddress(),
    rcpt_tags: fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }),
    rcpt_meta: fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null))),
    raw_reason: fc.oneof(fc.constant("550 5.1.1 <x@example.com>... User unknown"), fc.string({ maxLength: 40 })),
    reason: fc.string({ maxLength: 40 }),
    error_code: fc.constantFrom("554", "550", "421", "x"),
    num_retries: fc.oneof(fc.nat({ max: 20 }).map(String), fc.nat({ max: 20 })),
    user_agent: fc.string({ maxLength: 40 }),
    ip_address: fc.ipV4(),
    target_link_url: fc.webUrl(),
    fbtype: fc.constantFrom("abuse", "fraud", "virus", "other"),
    geo_ip: fc.record({ country: fc.constantFrom("US", "ZA"), latitude: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
  },
  { requiredKeys: [] },
);

/** The `type` and `bounce_class` an event named `name` carries, and its category. */
function shapeOf(name: string): fc.Arbitrary<{ category: string; type: string; bounceClass?: string }> {
  if (name.startsWith("ingest:")) {
    const type = name.slice("ingest:".length);
    return fc.constantFrom(type, type.toUpperCase()).map((t) => ({ category: "ingest_event", type: t }));
  }
  const [base, refinement] = name.split(":") as [string, string | undefined];
  const known = CATEGORY.get(base);
  const category = known === undefined ? fc.constantFrom(...CATEGORIES) : fc.constant(known);
  const classified = base === "bounce" || base === "out_of_band";
  const bounceClass: fc.Arbitrary<string | undefined> = classified
    ? refinement === undefined
      ? fc.option(fc.constantFrom(...CLASSES_BY_REFINEMENT[""]!), { nil: undefined })
      : fc.constantFrom(...CLASSES_BY_REFINEMENT[refinement]!)
    : fc.option(fc.constantFrom("1", "10", "21", "25", "51"), { nil: undefined });
  // Types are compared case-insensitively.
  return fc.record({ category, type: fc.constantFrom(base, base.toUpperCase()), bounceClass });
}

function item(name: string): fc.Arbitrary<unknown> {
  if (name === "ping") return fc.constant({ msys: {} });
  return fc.record({ shape: shapeOf(name), fields, timestamp }).map(({ shape, fields: f, timestamp: t }) => ({
    msys: { [shape.category]: { ...f, type: shape.type, timestamp: t, ...(shape.bounceClass === undefined ? {} : { bounce_class: shape.bounceClass }) } },
  }));
}

/** Authenticated batches of 1-4 items named `name`, as SparkPost posts them. */
export function sparkpostRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc.record({ items: fc.array(item(name), { minLength: 1, maxLength: 4 }), auth: fc.constantFrom(...AUTH_HEADERS) }).map(({ items, auth }) => ({
    contentType: "application/json" as const,
    body: JSON.stringify(items),
    headers: { authorization: auth },
  }));
}
