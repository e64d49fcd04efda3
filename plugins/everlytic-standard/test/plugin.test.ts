import fc from "fast-check";
import { encodeForm } from "@tidings/core";
import { testPlugin, type SuiteRequest } from "@tidings/testkit";
import { everlyticStandard } from "../src/index.js";

const CREDENTIALS = { username: "tidings", password: "hook-secret-1" };
const AUTH = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString("base64")}`;

const isoDate = fc
  .date({ min: new Date("2015-01-01"), max: new Date("2035-01-01"), noInvalidDate: true })
  .chain((d) => fc.constantFrom(d.toISOString(), d.toISOString().replace("Z", "+00:00"), d.toISOString().replace(/\.\d{3}Z$/, "Z")));

const recipient = fc.record({ name: fc.string({ maxLength: 12 }), email: fc.emailAddress(), type: fc.constantFrom("to", "cc", "bcc") });

/** A data item as documented, with the recipient at either depth and optional assumed extras. */
const dataItem = fc
  .record({
    transaction: fc.record({
      id: fc.uuid(),
      message_id: fc.string({ minLength: 1, maxLength: 20 }),
      method: fc.constantFrom("api", "smtp"),
      group: fc.record({ id: fc.stringMatching(/^[0-9a-f]{4,8}$/), name: fc.string({ maxLength: 12 }) }),
      sent_timestamp: isoDate,
      subject: fc.string({ maxLength: 20 }),
      message_size_bytes: fc.oneof(fc.nat().map(String), fc.nat()),
    }),
    recipient,
    recipientBeside: fc.boolean(),
    extras: fc.record(
      { url: fc.webUrl(), user_agent: fc.string({ maxLength: 12 }), bounce: fc.record({ type: fc.constantFrom("hard", "soft"), reason: fc.string({ maxLength: 20 }) }) },
      { requiredKeys: [] },
    ),
  })
  .map(({ transaction, recipient: r, recipientBeside, extras }) =>
    recipientBeside ? { transaction, recipient: r, ...extras } : { transaction: { ...transaction, recipient: r }, ...extras },
  );

/** Valid standard payloads of type `name`, JSON or PHP-style form, data as a list or an object. */
export function everlyticRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({
      id: fc.uuid(),
      timestamp: isoDate,
      items: fc.array(dataItem, { minLength: 1, maxLength: 3 }),
      asObject: fc.boolean(),
      form: fc.boolean(),
    })
    .map(({ id, timestamp, items, asObject, form }) => {
      const payload = { id, type: name, timestamp, data: asObject && items.length === 1 ? items[0] : items };
      return form
        ? { contentType: "application/x-www-form-urlencoded" as const, body: encodeForm(payload), headers: { authorization: AUTH } }
        : { contentType: "application/json" as const, body: JSON.stringify(payload), headers: { authorization: AUTH } };
    });
}

testPlugin({ plugin: everlyticStandard, credentials: CREDENTIALS, requestFor: everlyticRequest });
