import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { DEFAULT_DECODE_LIMITS, inboundRequest, normalize, rowHash, type Normalized, type NormalizeOutcome } from "../src/index.js";
import { SAMPLE_TOKEN, samplePlugin, samplePluginWith } from "./sample-plugin.js";

const json = (body: unknown, headers: Record<string, string> = { "x-token": SAMPLE_TOKEN }) =>
  inboundRequest({ headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const creds = { credentials: { token: SAMPLE_TOKEN } };

function expectOk(outcome: NormalizeOutcome): Normalized {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
}

describe("normalize", () => {
  it("maps, ignores and keeps unknown events, each with its raw row", () => {
    const events = [
      { kind: "delivered", at: "2025-01-15T10:00:00+02:00", msg: "m1", eid: "e1" },
      { kind: "ping", at: "2025-01-15T10:00:00Z", eid: "e2" },
      { kind: "exploded", at: "2025-01-15T10:00:00Z", eid: "e3" },
      { kind: "sent", at: "not a date", eid: "e4" },
      42,
    ];
    const outcome = expectOk(normalize(samplePlugin, json({ events }), creds));
    expect(outcome.verified).toBe(true);
    expect(outcome.results).toEqual([
      { id: "e1", event: { status: "delivered", date: "2025-01-15T08:00:00.000Z", externalId: "m1", row: JSON.stringify(events[0]) } },
    ]);
    expect(outcome.ignored).toEqual([{ id: "e2", name: "ping", reason: "a health probe", row: JSON.stringify(events[1]) }]);
    expect(outcome.unmapped.map((u) => [u.id, u.code])).toEqual([
      ["e3", "unknown_event"],
      ["e4", "invalid_event"],
      [rowHash("42"), "invalid_event"],
    ]);
    expect(outcome.unmapped[2]!.row).toBe("42");
  });

  it("fails closed when verification fails, before decoding the body", () => {
    const outcome = normalize(samplePlugin, json("{not json", { "x-token": "wrong" }), creds);
    expect(outcome).toEqual({ ok: false, error: { code: "unauthorized", message: "bad token", location: "x-token" } });
  });

  it("skips the plugin's verification when the host authenticated the caller", () => {
    const outcome = expectOk(normalize(samplePlugin, json({ events: [] }, {}), { ...creds, authenticated: true }));
    expect(outcome.verified).toBe(false);
  });

  it("refuses content types the plugin does not read", () => {
    const request = inboundRequest({ headers: { "content-type": "text/plain" }, body: "{}" });
    expect(normalize(samplePlugin, request)).toMatchObject({ ok: false, error: { code: "unsupported_content_type" } });
  });

  it("identifies an event without a provider id by the sha256 of its row", () => {
    const event = { kind: "sent", at: "2025-01-01T00:00:00Z", msg: "m" };
    const a = expectOk(normalize(samplePlugin, json({ events: [event, { ...event, msg: "n" }] }), creds));
    const [first, second] = a.results;
    expect(first!.id).toBe(`sha256-${createHash("sha256").update(first!.event.row!).digest("base64url")}`);
    expect(first!.event.row).toBe(JSON.stringify(event));
    expect(second!.id).not.toBe(first!.id);
    // A re-delivery in another batch keeps the id.
    const again = expectOk(normalize(samplePlugin, json({ events: [{ ...event, msg: "x" }, event] }), creds));
    expect(again.results[1]!.id).toBe(first!.id);
  });

  it("cuts each row from the body: a top-level array, an array or an event under a top-level key", () => {
    const event = '{ "kind": "sent",\t"at": "2025-01-01T00:00:00Z" }';
    const request = (body: string) => inboundRequest({ headers: { "content-type": "application/json", "x-token": SAMPLE_TOKEN }, body });
    const under = samplePluginWith({
      split: (body) => {
        const one = (body as Record<string, unknown>).event;
        return one === undefined ? [] : [one];
      },
    });
    expect(expectOk(normalize(under, request(`{"id":1, "event" : ${event} }`), creds)).results[0]!.event.row).toBe(event);
    expect(expectOk(normalize(samplePlugin, request(`{"events": [${event}, ${event}]}`), creds)).results.map((r) => r.event.row)).toEqual([event, event]);
  });

  it("holds a host's hasher to the no-throw promise", () => {
    const event = { kind: "sent", at: "2025-01-01T00:00:00Z" };
    const custom = expectOk(normalize(samplePlugin, json({ events: [event] }), { ...creds, hash: (row) => `mine-${row.length}` }));
    expect(custom.results[0]!.id).toBe(`mine-${JSON.stringify(event).length}`);
    const throwing = expectOk(normalize(samplePlugin, json({ events: [event] }), { ...creds, hash: () => { throw new Error("no"); } }));
    expect(throwing.results[0]!.id).toBe(rowHash(JSON.stringify(event)));
  });

  describe("isolates a misbehaving plugin", () => {
    const boom = () => {
      throw new TypeError("boom");
    };
    it.each([
      ["verify throws", { verify: boom }, "verify"],
      ["split throws", { split: boom }, "split"],
      ["split returns garbage", { split: () => "nope" as never }, "split"],
      ["verify returns garbage", { verify: () => undefined as never }, "verify"],
    ] as const)("%s -> plugin_error", (_, overrides, location) => {
      const outcome = normalize(samplePluginWith(overrides), json({ events: [] }), creds);
      expect(outcome).toMatchObject({ ok: false, error: { code: "plugin_error", location } });
    });

    it("a reader that throws costs only its own event", () => {
      const plugin = samplePluginWith({
        read: { ...samplePlugin.read, externalId: (raw) => (Object(raw).msg === "bad" ? boom() : "fine") },
      });
      const events = [
        { kind: "sent", at: "2025-01-01T00:00:00Z", msg: "bad", eid: "x" },
        { kind: "sent", at: "2025-01-01T00:00:00Z", msg: "ok", eid: "y" },
      ];
      const outcome = expectOk(normalize(plugin, json({ events }), creds));
      expect(outcome.results.map((r) => r.id)).toEqual(["y"]);
      expect(outcome.unmapped).toMatchObject([{ id: "x", code: "plugin_error", reason: "TypeError: boom" }]);
    });

    it("output that breaks the schema is reported, not returned", () => {
      const plugin = samplePluginWith({ read: { ...samplePlugin.read, attempts: () => -3 } });
      const outcome = expectOk(normalize(plugin, json({ events: [{ kind: "sent", at: "2025-01-01T00:00:00Z" }] }), creds));
      expect(outcome.results).toEqual([]);
      expect(outcome.unmapped[0]).toMatchObject({ code: "invalid_event" });
      expect(outcome.unmapped[0]!.reason).toContain("/attempts");
    });

    it("a non-string event id falls back to the row's hash", () => {
      const plugin = samplePluginWith({ read: { ...samplePlugin.read, eventId: () => 7 as never } });
      const event = { kind: "sent", at: "2025-01-01T00:00:00Z" };
      const outcome = expectOk(normalize(plugin, json({ events: [event] }), creds));
      expect(outcome.results[0]!.id).toBe(rowHash(JSON.stringify(event)));
    });
  });

  it("treats prototype-named events as unknown", () => {
    const events = ["__proto__", "constructor", "toString", "hasOwnProperty"].map((kind) => ({ kind, at: "2025-01-01T00:00:00Z" }));
    const outcome = expectOk(normalize(samplePlugin, json({ events }), creds));
    expect(outcome.results).toEqual([]);
    expect(outcome.unmapped.map((u) => u.code)).toEqual(["unknown_event", "unknown_event", "unknown_event", "unknown_event"]);
  });
});

describe("bounded work", () => {
  it("refuses a body with more events than the limit before touching any of them", () => {
    const events = Array.from({ length: 11 }, () => ({ kind: "sent", at: "2025-01-01T00:00:00Z" }));
    const outcome = normalize(samplePlugin, json({ events }), { ...creds, limits: { ...DEFAULT_DECODE_LIMITS, maxEvents: 10 } });
    expect(outcome).toMatchObject({ ok: false, error: { code: "malformed_body", message: "the body holds 11 events; at most 10 are accepted per request" } });
  });
});
