import { createHmac } from "node:crypto";
import type { SuiteRequest } from "@tidings/testkit";
import { HEADERS } from "../src/index.js";

export const NOW = new Date("2026-01-15T10:00:00.000Z");
export const CALLBACK_URL = "https://hooks.example.com/v2/inbound-webhooks/delivery-providers/demo/plivo";
export const OLD_TOKEN = "tidings-test-auth-token-old";
export const NEW_TOKEN = "tidings-test-auth-token-new";
/** A rotation in progress: both tokens must verify. */
export const CREDENTIALS = { signingKey: [OLD_TOKEN, NEW_TOKEN], url: CALLBACK_URL };
export const FORM = "application/x-www-form-urlencoded";

export type Fields = readonly (readonly [string, string])[];

export const formBody = (fields: Fields) => new URLSearchParams(fields.map(([name, value]): [string, string] => [name, value])).toString();

export const sign = (token: string, text: string) => createHmac("sha256", token).update(text, "utf8").digest("base64");

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The text V3 signs for a POST to a URL without a query, as plivo-node's construct_post_url
 * writes it, spelled out here rather than through the plugin's code: the URL, then `?` and each
 * field's name and value sorted by name and value when there are fields, then `.` and the nonce.
 */
export function v3Text(fields: Fields, nonce: string, url = CALLBACK_URL): string {
  const sorted = [...fields].sort(([a, x], [b, y]) => byCodeUnits(a, b) || byCodeUnits(x, y));
  const signedFields = sorted.length === 0 ? "" : `?${sorted.map(([name, value]) => name + value).join("")}`;
  return `${url}${signedFields}.${nonce}`;
}

export function v3Request(fields: Fields, { token = NEW_TOKEN, nonce = "31415926535897932384", url = CALLBACK_URL } = {}): SuiteRequest {
  return { contentType: FORM, body: formBody(fields), headers: { [HEADERS.v3]: sign(token, v3Text(fields, nonce, url)), [HEADERS.v3Nonce]: nonce } };
}

/** V2 signs the URL and the nonce, nothing of the body ("Validating requests", Plivo's messaging docs). */
export function v2Request(fields: Fields, { token = NEW_TOKEN, nonce = "05429567804466091622", url = CALLBACK_URL } = {}): SuiteRequest {
  return { contentType: FORM, body: formBody(fields), headers: { [HEADERS.v2]: sign(token, url + nonce), [HEADERS.v2Nonce]: nonce } };
}

/** A delivered callback with the attributes Plivo's Message Status Callbacks page lists. */
export const DELIVERED: Fields = [
  ["MessageUUID", "db3ce55a-7f1d-11e1-8ea7-1231380bc196"],
  ["To", "14156667777"],
  ["From", "14152828726"],
  ["Type", "sms"],
  ["Status", "delivered"],
  ["Units", "1"],
  ["TotalRate", "0.00500"],
  ["TotalAmount", "0.00500"],
  ["MCC", "310"],
  ["MNC", "260"],
  ["ErrorCode", ""],
  ["ParentMessageUUID", "db3ce55a-7f1d-11e1-8ea7-1231380bc196"],
  ["PartInfo", ""],
  ["Sequence", "3"],
  ["MessageTime", "2026-01-15 09:59:58.123456"],
  ["QueuedTime", "2026-01-15 09:59:58.234567"],
  ["SentTime", "2026-01-15 09:59:59.345678"],
  ["DeliveryReportTime", "2026-01-15 10:00:00.456789"],
  ["PowerpackUUID", ""],
];

export const withField = (fields: Fields, name: string, value: string): Fields => [...fields.filter(([n]) => n !== name), [name, value]];
