import { Readable } from "node:stream";
import { z } from "zod";
import { describe, expect, it, vi } from "vitest";
import {
  createNormalizer,
  definePlugin,
  handleWebhook,
  HTTP_STATUS_BY_CODE,
  inboundRequest,
  NormalizerConfigError,
  RawBodyUnavailableError,
  replyFor,
  ENGINE_ERROR_CODES,
  type Normalized,
} from "../src/index.js";
import { SAMPLE_TOKEN, samplePlugin } from "./sample-plugin.js";

const BODY = JSON.stringify({
  events: [
    { kind: "delivered", at: "2026-01-15T10:00:00Z", msg: "m-1", eid: "e-1" },
    { kind: "ping", at: "2026-01-15T10:00:01Z", eid: "e-2" },
    { kind: "teleported", at: "2026-01-15T10:00:02Z", eid: "e-3" },
  ],
});
const HEADERS = { "content-type": "application/json", "x-token": SAMPLE_TOKEN };
const normalizer = createNormalizer({ plugin: samplePlugin, credentials: { token: SAMPLE_TOKEN } });

describe("createNormalizer checks its configuration at start", () => {
  it("refuses a misspelled credential field, at compile time and at run time", () => {
    // @ts-expect-error `tokn` is not a field of the sample plugin's credentials
    expect(() => createNormalizer({ plugin: samplePlugin, credentials: { tokn: SAMPLE_TOKEN } })).toThrow(NormalizerConfigError);
  });

  it("refuses fields a lenient schema would strip, so no misspelling passes silently", () => {
    const lenient = definePlugin({ ...samplePlugin, credentials: z.object({ token: z.string().optional() }) });
    expect(() => createNormalizer({ plugin: lenient, credentials: { token: "t", publickey: "k" } as { token: string } })).toThrow(
      /unexpected "publickey"/,
    );
  });

  it("refuses to start without credentials unless unverified calls are allowed", () => {
    expect(() => createNormalizer({ plugin: samplePlugin })).toThrow(/allowUnverified/);
    expect(() => createNormalizer({ plugin: samplePlugin, allowUnverified: true })).not.toThrow();
  });

  it("refuses something that is not a plugin", () => {
    expect(() => createNormalizer({ plugin: { ...samplePlugin, contractVersion: 9 as 2 }, credentials: { token: "t" } })).toThrow(NormalizerConfigError);
  });
});

describe("a normalizer fails closed", () => {
  it("normalizes a verified call", async () => {
    const outcome = await normalizer.normalize({ method: "POST", headers: HEADERS, body: BODY });
    expect(outcome).toMatchObject({ ok: true, verified: true, results: [{ id: "e-1", event: { status: "delivered" } }] });
  });

  it("refuses wrong credentials", async () => {
    const outcome = await normalizer.normalize({ headers: { ...HEADERS, "x-token": "nope" }, body: BODY });
    expect(outcome).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("refuses an unverified call unless allowed, and marks it when allowed", async () => {
    const open = createNormalizer({ plugin: samplePlugin, allowUnverified: true });
    expect(await open.normalize({ headers: HEADERS, body: BODY })).toMatchObject({ ok: true, verified: false });
    const unverified = definePlugin({ ...samplePlugin, verify: () => ({ ok: true, verified: false, reason: "nothing to check" }) });
    const closed = createNormalizer({ plugin: unverified, credentials: { token: "t" } });
    expect(await closed.normalize({ headers: HEADERS, body: BODY })).toMatchObject({ ok: false, error: { code: "unauthorized", message: /nothing to check/ } });
  });
});

describe("a normalizer reads every request shape", () => {
  it("reads a Fetch Request", async () => {
    const request = new Request("https://example.com/hook", { method: "POST", headers: HEADERS, body: BODY });
    expect(await normalizer.normalize(request)).toMatchObject({ ok: true, verified: true, results: [{ id: "e-1" }] });
    const { method, headers, body } = new Request("https://example.com/hook", { method: "POST", headers: HEADERS, body: BODY });
    const fromAnotherUndici = { method, headers, body, arrayBuffer: () => Promise.reject(new Error("not used")) } as unknown as Request;
    expect(await normalizer.normalize(fromAnotherUndici)).toMatchObject({ ok: true, verified: true, results: [{ id: "e-1" }] });
  });

  it("reads a Fetch Headers object in plain input, and so does inboundRequest", async () => {
    const headers = new Headers(HEADERS);
    expect(await normalizer.normalize({ method: "POST", headers, body: new TextEncoder().encode(BODY) })).toMatchObject({ ok: true, verified: true });
    expect(inboundRequest({ headers, body: BODY }).headers).toEqual({ "content-type": "application/json", "x-token": SAMPLE_TOKEN });
    expect(inboundRequest({ headers: [["X-Token", "a"]], body: BODY }).headers).toEqual({ "x-token": "a" });
  });

  it("reads a node request stream, and a body a raw-body middleware read", async () => {
    const stream = Object.assign(Readable.from([Buffer.from(BODY.slice(0, 10)), Buffer.from(BODY.slice(10))]), { method: "POST", headers: HEADERS });
    expect(await normalizer.normalize(stream)).toMatchObject({ ok: true, verified: true, results: [{ id: "e-1" }] });
    const read = Object.assign(Readable.from([]), { method: "POST", headers: HEADERS, body: Buffer.from(BODY) });
    expect(await normalizer.normalize(read)).toMatchObject({ ok: true, results: [{ id: "e-1" }] });
  });

  it("throws when a JSON body parser already consumed the body", async () => {
    const parsed = Object.assign(Readable.from([]), { method: "POST", headers: HEADERS, body: JSON.parse(BODY) as unknown });
    await expect(normalizer.normalize(parsed)).rejects.toThrow(RawBodyUnavailableError);
  });

  it("bounds the body by content-length, by a stream and by a Fetch body", async () => {
    const small = createNormalizer({ plugin: samplePlugin, credentials: { token: SAMPLE_TOKEN }, limits: { maxBytes: 64 } });
    const tooLarge = { ok: false, error: { code: "body_too_large" } };
    expect(await small.normalize({ headers: { ...HEADERS, "content-length": "65" }, body: "{}" })).toMatchObject(tooLarge);
    expect(await small.normalize(Object.assign(Readable.from([Buffer.from(BODY)]), { method: "POST", headers: HEADERS }))).toMatchObject(tooLarge);
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(BODY)), c.close()) });
    expect(await small.normalize(new Request("https://example.com/", { method: "POST", headers: HEADERS, body: stream, duplex: "half" } as RequestInit))).toMatchObject(tooLarge);
    expect(await small.normalize({ headers: HEADERS, body: BODY })).toMatchObject(tooLarge);
  });
});

describe("answers", () => {
  it("gives every engine error code an HTTP status", () => {
    expect(Object.keys(HTTP_STATUS_BY_CODE).sort()).toEqual([...ENGINE_ERROR_CODES].sort());
    expect(replyFor({ ok: false, error: { code: "unsupported_content_type", message: "no" } })).toMatchObject({ status: 415, body: expect.stringContaining('"code":"unsupported_content_type"') });
  });

  it("hands results, ignored and unmapped events to onEvents, and answers the results", async () => {
    const onEvents = vi.fn<(normalized: Normalized) => void>();
    const reply = await handleWebhook(normalizer, { method: "POST", headers: HEADERS, body: BODY }, { onEvents });
    expect(onEvents).toHaveBeenCalledTimes(1);
    expect(onEvents.mock.calls[0]![0]).toMatchObject({ results: [{ id: "e-1" }], ignored: [{ id: "e-2" }], unmapped: [{ id: "e-3", code: "unknown_event" }] });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual([{ id: "e-1", event: expect.objectContaining({ status: "delivered" }) }]);
  });

  it("does not call onEvents for a refused call, answers 405 to other methods, and propagates a failing onEvents", async () => {
    const onEvents = vi.fn();
    expect((await handleWebhook(normalizer, { headers: { ...HEADERS, "x-token": "bad" }, body: BODY }, { onEvents })).status).toBe(401);
    const get = await handleWebhook(normalizer, { method: "GET", headers: HEADERS }, { onEvents });
    expect(get).toMatchObject({ status: 405, headers: { allow: "POST" } });
    expect(onEvents).not.toHaveBeenCalled();
    await expect(handleWebhook(normalizer, { headers: HEADERS, body: BODY }, { onEvents: () => Promise.reject(new Error("disk full")) })).rejects.toThrow("disk full");
  });
});

describe("set-up handshakes", () => {
  const echoing = definePlugin({
    ...samplePlugin,
    contractVersion: 2,
    handshake: (request) => {
      const token = request.headers["validation-token"];
      return token === undefined ? undefined : { headers: { "validation-token": token }, reason: "the provider checks its subscription" };
    },
  });
  const withHandshake = createNormalizer({ plugin: echoing, credentials: { token: SAMPLE_TOKEN } });

  it("answers a handshake before authorization, without events", async () => {
    const onEvents = vi.fn();
    const reply = await handleWebhook(withHandshake, { headers: { "validation-token": "abc" } }, { onEvents });
    expect(reply).toEqual({ status: 200, headers: { "validation-token": "abc" }, body: "" });
    expect(onEvents).not.toHaveBeenCalled();
  });

  it("normalizes every other call as usual, still verified", async () => {
    const onEvents = vi.fn();
    const stream = Object.assign(Readable.from([Buffer.from(BODY)]), { method: "POST", headers: HEADERS });
    expect((await handleWebhook(withHandshake, stream, { onEvents })).status).toBe(200);
    expect(onEvents).toHaveBeenCalledWith(expect.objectContaining({ verified: true, results: [expect.objectContaining({ id: "e-1" })] }));
    expect((await handleWebhook(withHandshake, { headers: { ...HEADERS, "x-token": "bad" }, body: BODY }, { onEvents })).status).toBe(401);
  });

  it("answers a throwing handshake with plugin_error", async () => {
    const broken = createNormalizer({ plugin: definePlugin({ ...echoing, handshake: () => { throw new Error("boom"); } }), credentials: { token: SAMPLE_TOKEN } });
    expect(await handleWebhook(broken, { headers: HEADERS, body: BODY }, { onEvents: vi.fn() })).toMatchObject({ status: 422, body: expect.stringContaining("plugin_error") });
  });
});
