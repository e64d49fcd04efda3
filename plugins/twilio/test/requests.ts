import { createHmac } from "node:crypto";
import fc from "fast-check";
import type { SuiteRequest } from "@tidings/testkit";

/** The fixtures' test Auth Tokens and callback URL (fixtures/twilio/keys/README.md). */
export const TOKEN = "4f1a2b3c4d5e6f708192a3b4c5d6e7f8";
export const OLD_TOKEN = "9e8d7c6b5a4938271605f4e3d2c1b0a9";
export const OTHER_TOKEN = "0123456789abcdef0123456789abcdef";
export const CALLBACK_URL = "https://hooks.example.com/v2/inbound-webhooks/delivery-providers/prod/twilio?source=messaging";
export const NOW = new Date("2026-01-15T10:00:00.000Z");

export type Params = readonly (readonly [string, string])[];

/**
 * Twilio's signature written out as twilio-node's getExpectedTwilioSignature computes it, apart
 * from core's blocks, so the tests check the plugin against the SDK's algorithm and not itself.
 */
export function twilioSignature(token: string, url: string, params: Params): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of params) byName.set(name, [...(byName.get(name) ?? []), value]);
  let data = url;
  for (const name of [...byName.keys()].sort()) for (const value of [...new Set(byName.get(name))].sort()) data += name + value;
  return createHmac("sha1", token).update(Buffer.from(data, "utf8")).digest("base64");
}

export const formBody = (params: Params): string => new URLSearchParams(params.map(([name, value]): [string, string] => [name, value])).toString();

export function signedRequest(params: Params, token = TOKEN, url = CALLBACK_URL): SuiteRequest {
  return { contentType: "application/x-www-form-urlencoded", body: formBody(params), headers: { "x-twilio-signature": twilioSignature(token, url, params) } };
}

const hex = (length: number) => fc.uint8Array({ minLength: length / 2, maxLength: length / 2 }).map((bytes) => Buffer.from(bytes).toString("hex"));
const phone = fc.integer({ min: 2_000_000_000, max: 9_999_999_999 }).map((digits) => `+1${digits}`);
const option = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/**
 * A status callback whose status is `name` (a documented one, or any text), in the case Twilio
 * writes or upper-cased, under MessageStatus and SmsStatus or (older callbacks) SmsStatus alone,
 * with the optional parameters each channel adds, in any order.
 */
export function callbackParams(name: string): fc.Arbitrary<Params> {
  return fc
    .record({
      status: fc.constantFrom(name, name.toUpperCase()),
      smsOnly: fc.boolean(),
      sid: fc.tuple(fc.constantFrom("SM", "MM"), hex(32)).map(([prefix, digits]) => prefix + digits),
      account: hex(32).map((digits) => `AC${digits}`),
      to: fc.oneof(phone, phone.map((number) => `whatsapp:${number}`)),
      from: phone,
      errorCode: option(fc.constantFrom("30003", "30005", "30006", "30007", "21610", "63016", "__proto__")),
      errorMessage: option(fc.string({ minLength: 1, maxLength: 40 })),
      doneDate: option(fc.oneof(fc.integer({ min: 0, max: 9_999_999_999 }).map((n) => String(n).padStart(10, "0")), fc.string({ maxLength: 12 }))),
      service: option(hex(32).map((digits) => `MG${digits}`)),
      channel: option(fc.record({ ChannelPrefix: fc.constant("whatsapp"), ChannelInstallSid: hex(32).map((d) => `XE${d}`), EventType: fc.constant("READ") })),
    })
    .chain((c) => {
      const params: [string, string][] = [
        ["AccountSid", c.account],
        ["ApiVersion", "2010-04-01"],
        ["From", c.from],
        ["To", c.to],
        ["SmsSid", c.sid],
        ["SmsStatus", c.status],
      ];
      if (!c.smsOnly) params.push(["MessageSid", c.sid], ["MessageStatus", c.status]);
      if (c.errorCode !== undefined) params.push(["ErrorCode", c.errorCode]);
      if (c.errorMessage !== undefined) params.push(["ErrorMessage", c.errorMessage]);
      if (c.doneDate !== undefined) params.push(["RawDlrDoneDate", c.doneDate]);
      if (c.service !== undefined) params.push(["MessagingServiceSid", c.service]);
      if (c.channel !== undefined) params.push(...Object.entries(c.channel));
      return fc.shuffledSubarray(params, { minLength: params.length, maxLength: params.length });
    });
}
