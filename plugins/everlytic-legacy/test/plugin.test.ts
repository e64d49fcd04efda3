import fc from "fast-check";
import { encodeForm } from "@tidings/core";
import { testPlugin, type SuiteRequest } from "@tidings/testkit";
import { everlyticLegacy } from "../src/index.js";

const CREDENTIALS = [
  { username: "tidings", password: "old-secret" },
  { username: "tidings", password: "new-secret" },
];

const auth = (password: string) => `Basic ${Buffer.from(`tidings:${password}`).toString("base64")}`;

/** event_date in each accepted form: epoch seconds, ISO 8601, or SAST wall-clock text. */
const eventDate = fc
  .date({ min: new Date("2015-01-01"), max: new Date("2035-01-01"), noInvalidDate: true })
  .chain((d) =>
    fc.constantFrom<string | number>(
      Math.floor(d.getTime() / 1000),
      d.toISOString(),
      new Date(d.getTime() + 2 * 3600_000).toISOString().slice(0, 19).replace("T", " "),
    ),
  );

/** Either spelling, in any letter case, as the legacy pages do not pin one down. */
const spelled = (name: string) => fc.constantFrom(name, name.toUpperCase(), name[0]!.toUpperCase() + name.slice(1));

/** Valid legacy events named `name`: JSON, `event=<JSON>` form, or bracketed form; either credential pair. */
export function legacyRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({
      event: fc.record(
        {
          event_id: fc.uuid(),
          event_date: eventDate,
          event_type: spelled(name),
          email_to: fc.emailAddress(),
          group_name: fc.string({ maxLength: 12 }),
          custom_headers: fc.oneof(fc.dictionary(fc.constantFrom("X-Ref", "X-Tenant"), fc.string({ maxLength: 8 })), fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })),
          trans_id: fc.stringMatching(/^[0-9a-f]{24,24}$/),
          html: fc.constant("<html><body>Hello</body></html>"),
          bounce_reason: fc.string({ maxLength: 20 }),
          url: fc.webUrl(),
        },
        { requiredKeys: ["event_id", "event_date", "event_type", "trans_id"] },
      ),
      encoding: fc.constantFrom("json", "form-json", "form-brackets"),
      password: fc.constantFrom("old-secret", "new-secret"),
    })
    .map(({ event, encoding, password }): SuiteRequest => {
      const headers = { authorization: auth(password) };
      if (encoding === "json") return { contentType: "application/json", body: JSON.stringify({ event }), headers };
      const body = encoding === "form-json" ? `event=${encodeURIComponent(JSON.stringify(event))}` : encodeForm({ event });
      return { contentType: "application/x-www-form-urlencoded", body, headers };
    });
}

testPlugin({ plugin: everlyticLegacy, credentials: CREDENTIALS, requestFor: legacyRequest });
