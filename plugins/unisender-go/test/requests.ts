import { createHash } from "node:crypto";
import fc from "fast-check";
import type { SuiteRequest } from "@tidings/testkit";
import { DELIVERY_STATUS_REASONS, REFINING_DELIVERY_STATUSES } from "../src/index.js";

/** Unisender Go API keys are 40 lower-case letters and digits; these were made up for the tests. */
export const API_KEY = "k7f2m9q4w1x8c3v6b5n0z2a7s4d9f1g6h3j8l5p0";
export const OLD_API_KEY = "r3t8y1u6i9o2p5a0s7d4f1g8h5j2k9l6z3x0c7v4";
export const NOW = new Date("2026-01-15T10:00:00.000Z");

export const AUTH_PLACEHOLDER = "@@unisender-go-auth@@";

/**
 * What Unisender Go does: the body's text with the API key where the auth value goes, hashed with
 * MD5, and the digest put in its place. `text` must hold AUTH_PLACEHOLDER once, as the auth value.
 */
export function signText(text: string, key = API_KEY): string {
  const digest = createHash("md5").update(text.replace(AUTH_PLACEHOLDER, key)).digest("hex");
  return text.replace(AUTH_PLACEHOLDER, digest);
}

/** How a body may be written: compact, indented, with spaces around colons, PHP's escaped slashes. */
export type Format = "compact" | "indented" | "spaced" | "php";
export const FORMATS: readonly Format[] = ["compact", "indented", "spaced", "php"];

export function format(value: unknown, how: Format): string {
  switch (how) {
    case "compact":
      return JSON.stringify(value);
    case "indented":
      return JSON.stringify(value, null, 4);
    case "spaced":
      return JSON.stringify(value).replace(/":/g, '" : ');
    case "php":
      return JSON.stringify(value).replace(/\//g, "\\/");
  }
}

/** The body with `auth` first, as Unisender Go writes it, signed over its own text. */
export function signedBody(body: Record<string, unknown>, key = API_KEY, how: Format = "compact"): string {
  return signText(format({ auth: AUTH_PLACEHOLDER, ...body }, how), key);
}

export function batched(events: readonly unknown[], user: Record<string, unknown> = { user_id: 456 }): Record<string, unknown> {
  return { events_by_user: [{ ...user, events }] };
}

/** A `transactional_email_status` event in the batched layout. */
export function statusEvent(eventData: Record<string, unknown>): Record<string, unknown> {
  return { event_name: "transactional_email_status", event_data: eventData };
}

const anyCase = (value: string) => fc.constantFrom(value, value.toUpperCase());
const eventTime = fc
  .date({ min: new Date("2015-01-01T00:00:00Z"), max: new Date("2035-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 19).replace("T", " "));
const metadataKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/).filter((key) => key !== "auth");
const SOFT_CODES = ["err_will_retry", "err_mailbox_full", "err_domain_inactive"];
/** The codes that leave hard_bounced as it is, and one Unisender Go might add. */
const PLAIN_HARD_CODES = [...DELIVERY_STATUS_REASONS.keys()].filter((code) => !REFINING_DELIVERY_STATUSES.has(code)).concat("err_not_documented");

/** The fields an event named `name` carries, beyond the common ones. */
function statusFields(name: string): fc.Arbitrary<Record<string, unknown>> {
  const [status, code] = name.split(":") as [string, string | undefined];
  const reply = fc.constantFrom("550 5.1.1 User unknown", "452 4.2.2 Mailbox full", "550 Spam rejected", "Connection timed out");
  if (code !== undefined) {
    return fc.record({ status: anyCase(status), delivery_info: fc.record({ delivery_status: anyCase(code), destination_response: reply }) });
  }
  if (status === "hard_bounced" || status === "soft_bounced") {
    const codes = status === "hard_bounced" ? PLAIN_HARD_CODES : SOFT_CODES;
    // Without the webhook's delivery info option there is no delivery_info at all.
    return fc.record(
      { status: anyCase(status), delivery_info: fc.record({ delivery_status: fc.constantFrom(...codes), destination_response: reply }) },
      { requiredKeys: ["status"] },
    );
  }
  if (status === "opened" || status === "clicked") {
    return fc.record({
      status: anyCase(status),
      url: fc.webUrl(),
      delivery_info: fc.record({ user_agent: fc.string({ minLength: 1, maxLength: 40 }), ip: fc.ipV4() }),
    });
  }
  return fc.record({ status: anyCase(status) });
}

/** The raw event (without the layout around it) of a documented or any other name. */
function eventFor(name: string): fc.Arbitrary<Record<string, unknown>> {
  if (name === "transactional_spam_block") {
    return fc.record({
      event_name: anyCase(name),
      event_data: fc.record({
        block_time: eventTime,
        block_type: fc.constantFrom("one_smtp", "all_smtp"),
        domain: fc.domain(),
        SMTP_blocks_count: fc.nat({ max: 20 }),
        domain_status: fc.constantFrom("blocked", "unblocked"),
      }),
    });
  }
  return fc
    .record({
      common: fc.record({
        job_id: fc.stringMatching(/^[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{4}$/),
        email: fc.emailAddress(),
        event_time: eventTime,
        metadata: fc.dictionary(metadataKey, fc.string({ maxLength: 20 }), { maxKeys: 3 }),
      }),
      specific: statusFields(name),
    })
    .map(({ common, specific }) => statusEvent({ ...common, ...specific }));
}

/** A signed call carrying events named `name`: batched (one to three) or one per call, in any format. */
export function unisenderRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({
      events: fc.array(eventFor(name), { minLength: 1, maxLength: 3 }),
      single: fc.boolean(),
      project: fc.option(fc.record({ project_id: fc.stringMatching(/^\d{16}$/), project_name: fc.string({ minLength: 1, maxLength: 12 }) }), { nil: undefined }),
      how: fc.constantFrom(...FORMATS),
      key: fc.constantFrom(API_KEY, OLD_API_KEY),
    })
    .map(({ events, single, project, how, key }) => {
      const user = { user_id: 456, ...project };
      const first = events[0]!;
      const body = single ? { ...user, event_name: first["event_name"], ...(first["event_data"] as Record<string, unknown>) } : batched(events, user);
      return { contentType: "application/json", body: signedBody(body, key, how) };
    });
}
