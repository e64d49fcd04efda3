import fc from "fast-check";
import { basicAuthHeader } from "@tidings/core";
import type { SuiteRequest } from "@tidings/testkit";

export const CREDENTIALS = { username: "mailjet-hook", password: "s3cret-pass" };
export const AUTHORIZATION = basicAuthHeader(CREDENTIALS.username, CREDENTIALS.password);

/**
 * A MessageID beyond 2^53 written as a JS number prints: those digits survive JSON.parse and
 * JSON.stringify unchanged, so the suite's key-reordering check (which re-serializes the body)
 * sees the same id, while core still hands the plugin a string of the exact digits.
 */
const messageId = fc.double({ min: 2 ** 53, max: 2 ** 63, noNaN: true }).map((d) => String(Math.floor(d)));

const ERRORS: Record<string, readonly string[]> = {
  recipient: ["user unknown", "mailbox inactive", "quota exceeded", "blacklisted", "spam reporter"],
  domain: ["invalid domain", "no mail host", "relay/access denied", "typofix"],
  content: ["bad or empty template", "error in template language"],
  spam: ["sender blocked", "content blocked", "policy issue"],
  system: ["system issue", "protocol issue", "connection issue"],
  mailjet: ["preblocked", "duplicate in campaign"],
};

const anyCase = (word: string) => fc.constantFrom(word, word.toUpperCase(), word[0]!.toUpperCase() + word.slice(1));

/** `error_related_to` and `error` from Mailjet's error table, limited to the given classes. */
const errorPair = (classes: readonly string[]) =>
  fc.constantFrom(...classes).chain((related) => fc.record({ error_related_to: anyCase(related), error: fc.constantFrom(...ERRORS[related]!) }));

/** The fields that make a raw event carry the (possibly refined) mapping key `name`. */
function eventFields(name: string): fc.Arbitrary<Record<string, unknown>> {
  switch (name) {
    case "sent":
      return fc.record({ smtp_reply: fc.constantFrom("sent (250 2.0.0 OK 1433333948 fa5si855896wjc.199 - gsmtp)", "sent (250 OK)") });
    case "open":
    case "unsub":
      return fc.record({ ip: fc.ipV4(), geo: fc.constantFrom("US", "FR"), agent: fc.string({ maxLength: 40 }), mj_list_id: fc.nat() }, { requiredKeys: [] });
    case "click":
      return fc.record({ url: fc.webUrl(), ip: fc.oneof(fc.ipV4(), fc.ipV6()), agent: fc.string({ maxLength: 40 }) }, { requiredKeys: ["url"] });
    case "bounce":
      return fc.tuple(errorPair(["recipient", "domain", "content", "mailjet"]), fc.boolean(), fc.boolean(), fc.string({ maxLength: 30 })).map(([pair, hard, blocked, comment]) => ({
        ...pair,
        hard_bounce: hard,
        blocked,
        comment,
      }));
    case "bounce:greylisted":
      return fc.record({ error_related_to: anyCase("domain"), error: anyCase("greylisted"), hard_bounce: fc.constant(false) }, { requiredKeys: ["error_related_to", "error"] });
    case "bounce:spam":
      return fc.tuple(errorPair(["spam"]), fc.boolean()).map(([pair, hard]) => ({ ...pair, hard_bounce: hard }));
    case "bounce:system":
      return fc.tuple(errorPair(["system"]), fc.boolean()).map(([pair, hard]) => ({ ...pair, hard_bounce: hard }));
    case "blocked":
      return errorPair(["recipient", "domain", "spam", "mailjet"]);
    case "blocked:content":
      return errorPair(["content"]);
    case "blocked:system":
      return errorPair(["system"]);
    case "spam":
      return fc.record({ source: fc.constantFrom("JMRPP", "AOL", "Yahoo") });
    default:
      return fc.constant({});
  }
}

/** One raw event as Mailjet writes it, MessageID still a string to be written as a bare number. */
function rawEvent(name: string): fc.Arbitrary<Record<string, unknown>> {
  const base = name.includes(":") ? name.slice(0, name.indexOf(":")) : name;
  const common = fc.record(
    {
      time: fc.integer({ min: 1_400_000_000, max: 2_000_000_000 }),
      MessageID: messageId,
      Message_GUID: fc.uuid(),
      email: fc.emailAddress(),
      mj_campaign_id: fc.nat(),
      mj_contact_id: fc.nat(),
      customcampaign: fc.string({ maxLength: 12 }),
      CustomID: fc.string({ maxLength: 12 }),
      Payload: fc.string({ maxLength: 40 }),
    },
    { requiredKeys: ["time", "MessageID"] },
  );
  return fc.tuple(fc.constantFrom(base, base.toUpperCase()), common, eventFields(name)).map(([event, fields, extra]) => ({ event, ...fields, ...extra }));
}

/** JSON text with MessageID as a bare integer, as Mailjet sends it. */
function wire(value: unknown): string {
  return JSON.stringify(value).replace(/"MessageID":"(\d+)"/g, '"MessageID":$1');
}

/** A single bare event, or a grouped batch (a JSON array) of 1-4 events, with basic auth. */
export function mailjetRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .oneof(rawEvent(name), fc.array(rawEvent(name), { minLength: 1, maxLength: 4 }))
    .map((body) => ({ contentType: "application/json" as const, body: wire(body), headers: { authorization: AUTHORIZATION } }));
}
