import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { describe, expect, it } from "vitest";
import { validatorFor } from "@tidings/core";
import { API_KEY, basic, EVERLYTIC, EVERLYTIC_BASIC, everlyticPayload, INBOUND, OTHER_API_KEY, TEST_CONFIG, useTestServer, type TestServer } from "../helpers.js";
import { rawRequest } from "./raw-http.js";

setFlagsFromString("--expose_gc");
const gc = runInNewContext("gc") as () => void;

const LEGACY = `${INBOUND}/env-a/legacy`;
const SENDGRID = `${INBOUND}/env-a/open-sendgrid`;
const AUTH = EVERLYTIC_BASIC;
const JSON_AUTH = { "content-type": "application/json", authorization: AUTH };
const FORM_AUTH = { "content-type": "application/x-www-form-urlencoded", authorization: AUTH };
const valid = (overrides: Record<string, unknown> = {}) => JSON.stringify({ ...everlyticPayload(`h-${Math.random()}`), ...overrides });
const nested = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);

type Expectation = number | "4xx";
interface Case {
  readonly name: string;
  readonly expect: Expectation;
  send(server: TestServer): Promise<{ status: number; body: string }>;
}

const post = (path: string, body: string | Buffer, headers: Record<string, string>) => async (server: TestServer) => {
  const response = await fetch(server.url + path, { method: "POST", body, headers });
  return { status: response.status, body: await response.text() };
};
const raw = (text: string, options?: { timeoutMs?: number }) => async (server: TestServer) => rawRequest(server.url, text, options);
const rawHead = (path: string, headerLines: string, body = "{}") =>
  raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headerLines}\r\n\r\n${body}`);

/** Each case: what is sent and the status it must get. 200s must still carry a valid result list. */
const CASES: Case[] = [
  // Malformed and truncated JSON
  ...["{", '{"id":', '[{"event":"open"', '{"a":1}}', "{'a':1}", '{"a":1,}', "NaN", "undefined", '{"a":01}', '"unterminated'].map((body) => ({
    name: `malformed JSON ${JSON.stringify(body)}`,
    expect: 400,
    send: post(EVERLYTIC, body, JSON_AUTH),
  })),
  ...["", "   ", "\r\n\r\n"].map((body) => ({ name: `empty body ${JSON.stringify(body)}`, expect: 400, send: post(EVERLYTIC, body, JSON_AUTH) })),
  // Content types
  ...["application/xml", "text/html", "multipart/form-data; boundary=x", "a/b/c", "image/png", "application/octet-stream"].map((type) => ({
    name: `content type ${type}`,
    expect: 415,
    send: post(EVERLYTIC, valid(), { "content-type": type, authorization: AUTH }),
  })),
  { name: "no content type", expect: 415, send: rawHead(EVERLYTIC, `Authorization: ${AUTH}`) },
  { name: "form body to a JSON-only plugin", expect: 415, send: post(SENDGRID, "a=1", { "content-type": "application/x-www-form-urlencoded" }) },
  { name: "text/plain to a plugin that does not read it", expect: 415, send: post(EVERLYTIC, valid(), { "content-type": "text/plain", authorization: AUTH }) },
  { name: "upper-case media type is the same media type", expect: 200, send: post(EVERLYTIC, valid(), { "content-type": "Application/JSON; charset=UTF-8", authorization: AUTH }) },
  // Size
  { name: "JSON body over 5 MiB", expect: 413, send: post(EVERLYTIC, valid({ pad: "x".repeat(5.5 * 1024 * 1024) }), JSON_AUTH) },
  { name: "form body over 5 MiB", expect: 413, send: post(EVERLYTIC, `a=${"x".repeat(5.5 * 1024 * 1024)}`, FORM_AUTH) },
  { name: "Content-Length larger than the body sent", expect: "4xx", send: raw(`POST ${EVERLYTIC} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9999999999\r\n\r\n{}`) },
  // Nesting and breadth
  { name: "10,000-level nested arrays", expect: 400, send: post(EVERLYTIC, nested(10_000, "[", "]"), JSON_AUTH) },
  { name: "10,000-level nested objects", expect: 400, send: post(EVERLYTIC, `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`, JSON_AUTH) },
  { name: "deeply bracketed form keys", expect: 400, send: post(EVERLYTIC, `a${"[b]".repeat(200)}=1`, FORM_AUTH) },
  { name: "an array of a million numbers", expect: 400, send: post(SENDGRID, `[${"1,".repeat(999_999)}1]`, { "content-type": "application/json" }) },
  { name: "25,000 empty events", expect: 400, send: post(SENDGRID, `[${"{},".repeat(24_999)}{}]`, { "content-type": "application/json" }) },
  { name: "20,000 form parameters", expect: 400, send: post(EVERLYTIC, Array.from({ length: 20_000 }, (_, i) => `k${i}=1`).join("&"), FORM_AUTH) },
  { name: "a 4 MiB string field is kept", expect: 200, send: post(EVERLYTIC, valid({ note: "y".repeat(4 * 1024 * 1024) }), JSON_AUTH) },
  { name: "a 4 MiB JSON string as the body", expect: 200, send: post(EVERLYTIC, JSON.stringify("z".repeat(4 * 1024 * 1024)), JSON_AUTH) },
  // Prototype keys
  { name: "__proto__ key in JSON", expect: 200, send: post(EVERLYTIC, valid().replace("{", '{"__proto__":{"polluted":true},'), JSON_AUTH) },
  { name: "constructor.prototype in JSON", expect: 200, send: post(EVERLYTIC, JSON.stringify({ constructor: { prototype: { polluted: true } } }), JSON_AUTH) },
  { name: "__proto__ in form brackets", expect: 200, send: post(EVERLYTIC, "__proto__[polluted]=1&constructor[prototype][polluted]=1", FORM_AUTH) },
  { name: "an event type named __proto__", expect: 200, send: post(EVERLYTIC, valid({ type: "__proto__" }), JSON_AUTH) },
  { name: "a legacy event_type named constructor", expect: 200, send: post(LEGACY, JSON.stringify({ event: { event_id: "e", event_type: "constructor", event_date: 1, trans_id: "t" } }), JSON_AUTH) },
  { name: "a SendGrid event named toString", expect: 200, send: post(SENDGRID, JSON.stringify([{ event: "toString", timestamp: 1 }]), { "content-type": "application/json" }) },
  // Encoding
  { name: "invalid UTF-8 in JSON", expect: 400, send: post(EVERLYTIC, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), JSON_AUTH) },
  { name: "a lone continuation byte", expect: 400, send: post(EVERLYTIC, Buffer.from([0x5b, 0x80, 0x5d]), JSON_AUTH) },
  { name: "percent-encoded invalid UTF-8 in a form", expect: 200, send: post(EVERLYTIC, "id=%FF%FE&type=sent&timestamp=2025-01-01T00:00:00Z", FORM_AUTH) },
  { name: "broken percent-encoding in a form", expect: 200, send: post(EVERLYTIC, "id=%E0%A4%A&type=%&timestamp=%%", FORM_AUTH) },
  { name: "escaped NUL in a JSON string", expect: 200, send: post(EVERLYTIC, valid({ subject: "a\u0000b" }), JSON_AUTH) },
  { name: "raw NUL byte in JSON", expect: 400, send: post(EVERLYTIC, Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0]), Buffer.from('"}')]), JSON_AUTH) },
  { name: "a BOM before the JSON", expect: 200, send: post(EVERLYTIC, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid())]), JSON_AUTH) },
  // Duplicate keys and numbers
  { name: "duplicate keys (last wins)", expect: 200, send: post(EVERLYTIC, valid().replace("{", '{"type":"sent",'), JSON_AUTH) },
  { name: "a timestamp of 1e400", expect: 200, send: post(SENDGRID, '[{"event":"open","timestamp":1e400}]', { "content-type": "application/json" }) },
  { name: "a timestamp of 9e15", expect: 200, send: post(SENDGRID, '[{"event":"open","timestamp":9e15}]', { "content-type": "application/json" }) },
  { name: "a 30-digit attempt count", expect: 200, send: post(SENDGRID, '[{"event":"deferred","timestamp":1700000000,"attempt":"123456789012345678901234567890"}]', { "content-type": "application/json" }) },
  { name: "a negative timestamp", expect: 200, send: post(SENDGRID, '[{"event":"open","timestamp":-5}]', { "content-type": "application/json" }) },
  // Dates in odd formats (kept as unmapped, never given the receipt time)
  ...["2025-02-30T10:00:00Z", "yesterday", "", "15/01/2025", "2025-01-15T25:00:00Z", "99999-01-01T00:00:00Z", "2025-01-15T10:00:00+99:00", "1e10"].map((timestamp) => ({
    name: `timestamp ${JSON.stringify(timestamp)}`,
    expect: 200,
    send: post(EVERLYTIC, valid({ timestamp }), JSON_AUTH),
  })),
  // Headers
  { name: "a header value with a NUL byte", expect: 400, send: rawHead(EVERLYTIC, "Content-Type: application/json\r\nX-Evil: a\u0000b") },
  { name: "a CRLF-injected header becomes two headers, nothing more", expect: 401, send: rawHead(EVERLYTIC, "Content-Type: application/json\r\nX-Note: a\r\nAuthorization: Basic Zm9vOmJhcg==") },
  { name: "a header line without a colon", expect: 400, send: rawHead(EVERLYTIC, "Content-Type: application/json\r\nthis is not a header") },
  { name: "headers over 16 KiB", expect: 431, send: rawHead(EVERLYTIC, `Content-Type: application/json\r\nX-Big: ${"h".repeat(20_000)}`) },
  { name: "an oversized idempotency-key", expect: 400, send: post(EVERLYTIC, valid(), { ...JSON_AUTH, "idempotency-key": "k".repeat(300) }) },
  { name: "a 10 KiB API key", expect: 401, send: post(EVERLYTIC, valid(), { "content-type": "application/json", authorization: `ApiKey ${"k".repeat(10_000)}` }) },
  { name: "a slow body (request timeout)", expect: 408, send: raw(`POST ${EVERLYTIC} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":`, { timeoutMs: 8_000 }) },
  // Authentication
  { name: "another environment's API key", expect: 401, send: post(EVERLYTIC, valid(), { "content-type": "application/json", authorization: `ApiKey ${OTHER_API_KEY}` }) },
  { name: "wrong basic auth", expect: 401, send: post(EVERLYTIC, valid(), { "content-type": "application/json", authorization: basic("everlytic", "nope") }) },
  { name: "garbage authorization", expect: 401, send: post(EVERLYTIC, valid(), { "content-type": "application/json", authorization: "Basic ###" }) },
  { name: "an empty bearer", expect: 401, send: post(EVERLYTIC, valid(), { "content-type": "application/json", authorization: "Bearer " }) },
  // Unknown ids and path traversal
  ...[
    `${INBOUND}/..%2F..%2Fetc%2Fpasswd/everlytic`,
    `${INBOUND}/%2e%2e/everlytic`,
    `${INBOUND}/env-a/..%2Feverlytic`,
    `${INBOUND}/env-a/${"x".repeat(300)}`,
    `${INBOUND}/env-%00a/everlytic`,
    `${INBOUND}/env-a/%E2%80%AEcilytreve`,
    `${INBOUND}/env-a`,
  ].map((path) => ({ name: `path ${path.slice(INBOUND.length, INBOUND.length + 40)}`, expect: 404, send: post(path, valid(), { "content-type": "application/json", authorization: `ApiKey ${API_KEY}` }) })),
  { name: "GET on the webhook endpoint", expect: 405, send: async (server) => {
    const response = await fetch(server.url + EVERLYTIC);
    return { status: response.status, body: await response.text() };
  } },
  { name: "a request line that is not HTTP", expect: 400, send: raw("HELLO THERE\r\n\r\n") },
];

describe("hostile input battery", () => {
  const server = useTestServer({ config: { ...TEST_CONFIG, limits: { requestTimeoutMs: 1_500 } } });

  it(`has at least 60 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  it("answers every case as expected, with the error shape on every 4xx, and keeps serving", async () => {
    await server().post(EVERLYTIC, valid(), JSON_AUTH);
    gc();
    const baseline = process.memoryUsage().heapUsed;
    const failures: string[] = [];
    for (const testCase of CASES) {
      const { status, body } = await testCase.send(server());
      const statusOk = testCase.expect === "4xx" ? status >= 400 && status < 500 : status === testCase.expect;
      if (!statusOk) failures.push(`${testCase.name}: expected ${testCase.expect}, got ${status} ${body.slice(0, 120)}`);
      if (status >= 400) {
        const parsed = safeJson(body) as { statusCode?: unknown; code?: unknown; error?: unknown; message?: unknown } | undefined;
        if (parsed?.statusCode !== status || typeof parsed.code !== "string" || typeof parsed.error !== "string" || typeof parsed.message !== "string") {
          failures.push(`${testCase.name}: error body lacks the shape: ${body.slice(0, 120)}`);
        }
      } else if (!validatorFor("webhook-result-list")(safeJson(body))) {
        failures.push(`${testCase.name}: 200 body is not a WebhookResultDto[]`);
      }
      const health = await fetch(`${server().url}/health`);
      if (health.status !== 200) failures.push(`${testCase.name}: the server stopped serving`);
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    gc();
    expect(process.memoryUsage().heapUsed - baseline).toBeLessThan(32 * 1024 * 1024);
  }, 120_000);
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
