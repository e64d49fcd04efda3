import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { expressHandler } from "../src/express.js";
import { fastifyWebhook } from "../src/fastify.js";
import { fetchHandler } from "../src/fetch.js";
import { honoHandler } from "../src/hono.js";
import { nodeHandler } from "../src/node.js";
import { BODY, expectFailsClosed, normalizer, signedHeaders, sink } from "./sendgrid.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const over = (url: string) => async (headers: Record<string, string>, body: string) => {
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, body: await response.text() };
};

/** Each adapter hands the signed batch's events, and only those, to onEvents. */
function expectStored(calls: ReturnType<typeof sink>["calls"]): void {
  expect(calls).toHaveLength(1);
  expect(calls[0]).toMatchObject({ verified: true, results: [{ id: "sg-1" }], ignored: [{ id: "sg-2", name: "group_resubscribe" }], unmapped: [] });
}

describe("adapters", () => {
  it("node:http", async () => {
    const store = sink();
    const url = await listen(createServer(nodeHandler(normalizer, store)));
    await expectFailsClosed(over(url));
    expectStored(store.calls);
    expect((await fetch(url)).status).toBe(405);
  });

  it("node:http answers 500 and reports a failing onEvents", async () => {
    const errors: unknown[] = [];
    const url = await listen(createServer(nodeHandler(normalizer, { onEvents: () => Promise.reject(new Error("disk full")), onError: (e) => errors.push(e) })));
    const response = await fetch(url, { method: "POST", headers: signedHeaders(BODY), body: BODY });
    expect(response.status).toBe(500);
    expect(errors).toEqual([new Error("disk full")]);
  });

  it("Express, beside express.json() for other routes", async () => {
    const store = sink();
    const app = express();
    app.post("/webhooks/sendgrid", expressHandler(normalizer, store));
    app.use(express.json());
    app.post("/other", (request, response) => void response.json(request.body));
    const url = await listen(createServer(app));
    await expectFailsClosed(over(`${url}/webhooks/sendgrid`));
    expectStored(store.calls);
    expect(await (await fetch(`${url}/other`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' })).json()).toEqual({ a: 1 });
  });

  it("Express after express.json() is a loud wiring error, not a silent pass", async () => {
    const app = express();
    app.use(express.json());
    app.post("/webhooks/sendgrid", expressHandler(normalizer, sink()));
    const url = await listen(createServer(app));
    expect((await fetch(`${url}/webhooks/sendgrid`, { method: "POST", headers: signedHeaders(BODY), body: BODY })).status).toBe(500);
  });

  it("Fastify, with the app's JSON parser untouched outside the plugin", async () => {
    const store = sink();
    const app = Fastify();
    await app.register(fastifyWebhook, { prefix: "/webhooks/sendgrid", normalizer, onEvents: store.onEvents });
    app.post("/other", async (request) => request.body);
    await expectFailsClosed(async (headers, body) => {
      const response = await app.inject({ method: "POST", url: "/webhooks/sendgrid", headers, payload: body });
      return { status: response.statusCode, body: response.body };
    });
    expectStored(store.calls);
    expect((await app.inject({ method: "POST", url: "/other", payload: { a: 1 } })).json()).toEqual({ a: 1 });
    await app.close();
  });

  it("Hono", async () => {
    const store = sink();
    const app = new Hono().post("/webhooks/sendgrid", honoHandler(normalizer, store));
    await expectFailsClosed(async (headers, body) => {
      const response = await app.request("/webhooks/sendgrid", { method: "POST", headers, body });
      return { status: response.status, body: await response.text() };
    });
    expectStored(store.calls);
  });

  it("a Web-standard (request: Request) => Response handler", async () => {
    const store = sink();
    const POST = fetchHandler(normalizer, store);
    await expectFailsClosed(async (headers, body) => {
      const response = await POST(new Request("https://app.example/api/webhooks/sendgrid", { method: "POST", headers, body }));
      return { status: response.status, body: await response.text() };
    });
    expectStored(store.calls);
  });
});
