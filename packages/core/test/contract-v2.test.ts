import { describe, expect, it } from "vitest";
import {
  appendLabelled,
  definePlugin,
  field,
  inboundRequest,
  messageId,
  normalize,
  normalizeAsync,
  PluginRegistry,
  setDetail,
  setOwn,
  smtpCodes,
  perEvent,
  text,
  textList,
  textMap,
  toWire,
  verifyRequest,
  withMetadata,
  type Normalized,
  type NormalizeOutcome,
  type VerifyResult,
} from "../src/index.js";
import { quoteUnsafeIntegers } from "../src/decode/json.js";
import { samplePlugin } from "./sample-plugin.js";

function expectOk(outcome: NormalizeOutcome): Normalized {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
}

const json = (body: unknown, headers: Record<string, string> = {}) =>
  inboundRequest({ headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

/** A v2 provider: `[{ type, ts, msg, to, url, tags, vars }]`, message ids in the `x-msg` header when absent. */
const v2 = definePlugin({
  contractVersion: 2,
  id: "v2-sample",
  displayName: "V2 sample",
  contentTypes: ["application/json"],
  credentials: samplePlugin.credentials,
  verify: () => ({ ok: true, verified: false, reason: "nothing to check" }),
  events: ["delivered", "click", "bounce"],
  mapping: { delivered: "delivered", click: "clicked", bounce: "bounced" },
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName: (raw) => text(field(raw, "type")),
  read: {
    date: (raw) => text(field(raw, "ts")),
    externalId: (raw, { headers }) => text(field(raw, "msg")) ?? headers["x-msg"],
    details: (raw) => ({
      recipient: text(field(raw, "to")),
      clickUrl: text(field(raw, "url")),
      tags: textList(field(raw, "tags")),
      metadata: textMap(field(raw, "vars")),
      bounceClass: field(raw, "type") === "bounce" ? "hard" : undefined,
    }),
  },
});

function boomRow(): never {
  throw new Error("no row");
}

describe("contract v2 in the engine", () => {
  it("reads details, leaves absent fields out, and keeps them off the Novu wire answer", () => {
    const events = [
      { type: "click", ts: "2025-01-15T10:00:00Z", msg: "m1", to: "a@example.com", url: "https://example.com/x", tags: ["welcome", 3], vars: { user: 42, plan: "pro", nested: { a: 1 } } },
      { type: "delivered", ts: "2025-01-15T10:00:00Z", msg: "m2" },
    ];
    const outcome = expectOk(normalize(v2, json(events), { authenticated: true }));
    expect(outcome.results[0]!.details).toEqual({
      recipient: "a@example.com",
      clickUrl: "https://example.com/x",
      tags: ["welcome", "3"],
      metadata: { user: "42", plan: "pro", nested: '{"a":1}' },
    });
    expect(outcome.results[1]).not.toHaveProperty("details");
    const wire = toWire(outcome.results);
    expect(wire.map((r) => Object.keys(r).sort())).toEqual([["event", "id"], ["event", "id"]]);
    expect(JSON.stringify(wire)).not.toContain("details");
  });

  it("takes a plugin's row for events it cannot cut from the body, and serializes when the reader gives none", () => {
    // Events inside a JSON string, as SES's inside an SNS Message: the plugin holds their text.
    const inner = '{"type":"delivered", "ts":"2025-01-15T10:00:00Z","msg":"m1"}';
    const wrapped = definePlugin({
      ...v2,
      split: (body) => [JSON.parse(String(field(body, "Message")))],
      read: { ...v2.read, row: (raw) => (field(raw, "msg") === "m1" ? inner : field(raw, "msg") === "m2" ? (7 as never) : boomRow()) },
    });
    const run = (message: string) => expectOk(normalize(wrapped, json({ Message: message }), { authenticated: true })).results[0]!;
    expect(run(inner).event.row).toBe(inner);
    const other = { type: "delivered", ts: "2025-01-15T10:00:00Z", msg: "m2" };
    expect(run(JSON.stringify(other)).event.row).toBe(JSON.stringify(other));
    const third = { ...other, msg: "m3" };
    expect(run(JSON.stringify(third))).toMatchObject({ event: { row: JSON.stringify(third) } });
    // An event the body holds as it is keeps its own text: the reader is not asked.
    const sliced = definePlugin({ ...v2, read: { ...v2.read, row: () => '{"not":"this"}' } });
    expect(expectOk(normalize(sliced, json([other]), { authenticated: true })).results[0]!.event.row).toBe(JSON.stringify(other));
    expect(() => definePlugin({ ...samplePlugin, read: { ...samplePlugin.read, row: () => "{}" } })).toThrow(/need contractVersion 2/);
  });

  it("keeps an event whose details break the schema as unmapped, with the reason", () => {
    const outcome = expectOk(normalize(v2, json([{ type: "delivered", ts: "2025-01-15T10:00:00Z", tags: ["x".repeat(2000)] }]), { authenticated: true }));
    expect(outcome.results).toEqual([]);
    expect(outcome.unmapped[0]).toMatchObject({ code: "invalid_event", reason: expect.stringMatching(/^details are invalid/) });
  });

  it("lets readers see the request's headers", () => {
    const outcome = expectOk(normalize(v2, json([{ type: "delivered", ts: "2025-01-15T10:00:00Z" }], { "x-msg": "<from-header@example.com>" }), { authenticated: true }));
    expect(outcome.results[0]!.event.externalId).toBe("from-header@example.com");
  });

  it("dates events at receipt, marked as such, for plugins whose payloads carry no time", () => {
    const timeless = definePlugin({ ...v2, id: "timeless", eventTime: "none", read: { externalId: v2.read.externalId } });
    const receivedAt = new Date("2026-03-01T12:00:00.123Z");
    const outcome = expectOk(normalize(timeless, json([{ type: "delivered", ts: "garbage" }]), { authenticated: true, receivedAt }));
    expect(outcome.results[0]!.event.date).toBe("2026-03-01T12:00:00.123Z");
    expect(outcome.results[0]!.details).toEqual({ dateSource: "received" });
    // A provider-time plugin with an unusable time still keeps the event unmapped.
    expect(expectOk(normalize(v2, json([{ type: "delivered", ts: "garbage" }]), { authenticated: true })).unmapped).toHaveLength(1);
  });

  it("hands integers beyond 2^53 to plugins as their exact digits, and rows keep the provider's text", () => {
    const body = '[{"type":"delivered","ts":"2025-01-15T10:00:00Z","msg":1152921504606846977,"n":12.5e3,"s":"12345678901234567890"}]';
    const outcome = expectOk(normalize(v2, json(body), { authenticated: true }));
    expect(outcome.results[0]!.event.externalId).toBe("1152921504606846977");
    expect(outcome.results[0]!.event.row).toBe(body.slice(1, -1));
    expect(JSON.parse(quoteUnsafeIntegers('{"a":-99999999999999999999,"b":9007199254740991,"c":"9007199254740993","d":[9007199254740993]}'))).toEqual({
      a: "-99999999999999999999",
      b: 9007199254740991,
      c: "9007199254740993",
      d: ["9007199254740993"],
    });
    expect(quoteUnsafeIntegers('{"a":"\\"9007199254740993"}')).toBe('{"a":"\\"9007199254740993"}');
  });

  it("runs an asynchronous verify through normalizeAsync, and says so to the synchronous normalize", async () => {
    const slow = definePlugin({ ...v2, id: "slow", verify: async (): Promise<VerifyResult> => ({ ok: true, verified: true }) });
    const request = json([{ type: "delivered", ts: "2025-01-15T10:00:00Z" }]);
    expect(normalize(slow, request)).toMatchObject({ ok: false, error: { code: "plugin_error", location: "verify" } });
    expect(expectOk(await normalizeAsync(slow, request)).verified).toBe(true);
    const rejecting = definePlugin({ ...v2, id: "rejecting", verify: async () => Promise.reject(new Error("boom")) });
    expect(await verifyRequest(rejecting, request)).toMatchObject({ ok: false, error: { code: "plugin_error", message: "verify threw Error: boom" } });
  });

  it("uses a verdict reached beforehand instead of verifying again", () => {
    let calls = 0;
    const counted = definePlugin({ ...v2, id: "counted", verify: () => (calls++, { ok: true, verified: true }) });
    const request = json([{ type: "delivered", ts: "2025-01-15T10:00:00Z" }]);
    const verdict = verifyRequest(counted, request) as VerifyResult;
    expect(expectOk(normalize(counted, request, { verification: verdict })).verified).toBe(true);
    expect(calls).toBe(1);
    expect(normalize(counted, request, { verification: { ok: false, error: { code: "unauthorized", message: "no" } } })).toMatchObject({ ok: false });
  });

  it("collects the follow-up actions a plugin asks the host for", () => {
    const confirming = definePlugin({
      ...v2,
      id: "confirming",
      actions: (body) => [{ kind: "confirm-subscription", url: String(field(body, "confirm")), allowedHosts: ["sns.*.amazonaws.com"], description: "confirm" }],
      split: () => [],
    });
    const outcome = expectOk(normalize(confirming, json({ confirm: "https://sns.eu-west-1.amazonaws.com/?x=1" }), { authenticated: true }));
    expect(outcome.actions).toEqual([{ kind: "confirm-subscription", url: "https://sns.eu-west-1.amazonaws.com/?x=1", allowedHosts: ["sns.*.amazonaws.com"], description: "confirm" }]);
  });
});

describe("contract versions", () => {
  it("registers version 1 and version 2 plugins side by side", () => {
    const registry = new PluginRegistry([samplePlugin, v2]);
    expect(registry.ids()).toEqual(["sample", "v2-sample"]);
    expect(registry.get("sample").contractVersion).toBe(1);
  });

  it("refuses version 2 features on a plugin that declares version 1", () => {
    expect(() => definePlugin({ ...samplePlugin, read: { ...samplePlugin.read, details: () => ({}) } })).toThrow(/need contractVersion 2/);
  });
});

describe("perEvent", () => {
  it("reads an event once for the readers that follow, and reads again for any other event", () => {
    const seen: unknown[] = [];
    const name = perEvent((raw) => {
      seen.push(raw);
      return text(field(raw, "type"));
    });
    const first = { type: "a" };
    const second = { type: "b" };
    expect([name(first), name(first), name(second), name(second), name(first), name(undefined), name(undefined)]).toEqual(["a", "a", "b", "b", "a", undefined, undefined]);
    expect(seen).toEqual([first, second, first, undefined]);
  });
});

describe("detail readers", () => {
  it("strips angle brackets from message ids, and reads SMTP codes from a reply", () => {
    expect(messageId(" <abc@example.com> ")).toBe("abc@example.com");
    expect(messageId("<>")).toBe("<>");
    expect(smtpCodes("550 5.1.1 <x@example.com>: user unknown")).toEqual({ smtpCode: "550", enhancedStatus: "5.1.1" });
    expect(smtpCodes("421-4.7.0 try later")).toEqual({ smtpCode: "421", enhancedStatus: "4.7.0" });
    expect(smtpCodes("5.7.1 blocked")).toEqual({ enhancedStatus: "5.7.1" });
    expect(smtpCodes("mailbox full")).toEqual({});
  });

  it("never lets a metadata key reach a prototype", () => {
    const map = textMap(JSON.parse('{"__proto__":{"polluted":1},"constructor":"c"}'))!;
    expect(Object.keys(map)).toEqual(["__proto__", "constructor"]);
    expect(map["__proto__"]).toBe('{"polluted":1}');
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("gathers metadata from several places one entry at a time, as textMap writes it", () => {
    let map = withMetadata(undefined, "", "empty keys are left out");
    map = withMetadata(map, "skipped", null);
    expect(map).toBeUndefined();
    map = withMetadata(map, "plan", "pro");
    map = withMetadata(map, "seats", 3);
    map = withMetadata(map, "__proto__", { polluted: 1 });
    expect(map).toEqual({ plan: "pro", seats: "3", ["__proto__"]: '{"polluted":1}' });
    expect(Object.keys(map!)).toEqual(["plan", "seats", "__proto__"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    const own: Record<string, number> = {};
    setOwn(own, "__proto__", 1);
    expect(Object.getOwnPropertyDescriptor(own, "__proto__")).toEqual({ value: 1, enumerable: true, writable: true, configurable: true });
  });

  it("writes labelled response parts and present details only", () => {
    let response = appendLabelled(undefined, "type", undefined);
    expect(response).toBeUndefined();
    response = appendLabelled(response, "type", "HardBounce");
    response = appendLabelled(response, "code", undefined);
    expect(appendLabelled(response, "details", "550 no such user")).toBe("type: HardBounce; details: 550 no such user");
    const details = {};
    setDetail(details, "recipient", undefined);
    setDetail(details, "smtpCode", "550");
    expect(details).toStrictEqual({ smtpCode: "550" });
  });
});
