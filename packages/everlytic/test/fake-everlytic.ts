import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EVENT_TYPES, FIELD_SETS, PAYLOAD_CONTENT_TYPES, VERBS } from "../src/index.js";

/**
 * A local stand-in for Everlytic's webhooks API that behaves as its documents say: basic auth of
 * username and API key (401 "Login Required" otherwise), 412 with `invalidParameter` reasons for
 * invalid fields, `settings` answered as JSON text and `auth_details` as null, Laravel pagination.
 */
export interface FakeEverlytic {
  readonly url: string;
  readonly webhooks: Map<string, Record<string, unknown>>;
  /** Every request received, in order. */
  readonly requests: { method: string; path: string; body: unknown }[];
  /** The next n requests are cut off without an answer (a network failure). */
  dropNext(n: number): void;
  /** The next n requests get this status with no useful body. */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

const PER_PAGE = 2;
const BASE = "/transactional/email/v1/webhooks";

export async function startFakeEverlytic(account = { username: "acme", apiKey: "everlytic-api-key" }): Promise<FakeEverlytic> {
  const webhooks = new Map<string, Record<string, unknown>>();
  const requests: FakeEverlytic["requests"] = [];
  let drops = 0;
  let failures = 0;
  let failureStatus = 503;
  const server: Server = createServer((req, res) => {
    readBody(req).then((text) => {
      let body: unknown;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        requests.push({ method: req.method ?? "", path: req.url ?? "", body: text });
        return answer(res, 400, problem(400, "The request body is not valid JSON.", "invalid", "body", "default"));
      }
      requests.push({ method: req.method ?? "", path: req.url ?? "", body });
      if (drops > 0) {
        drops--;
        return res.socket?.destroy();
      }
      if (failures > 0) {
        failures--;
        return answer(res, failureStatus, { message: "try again" });
      }
      const expected = `Basic ${Buffer.from(`${account.username}:${account.apiKey}`).toString("base64")}`;
      if (req.headers.authorization !== expected) return answer(res, 401, problem(401, "Login Required", "required", "request", "authorization"));
      route(req.method ?? "GET", new URL(req.url ?? "/", "http://x"), body, res);
    });
  });

  function route(method: string, url: URL, body: unknown, res: ServerResponse): void {
    const path = url.pathname;
    if (method === "GET" && path === `${BASE}/failed/reprocess`) return answer(res, 200, { status: true });
    if (method === "POST" && path === BASE) {
      const invalid = check(body);
      if (invalid) return answer(res, 412, problem(412, invalid, "invalidParameter", "request", "webhookValidation"));
      const now = new Date().toISOString();
      const webhook = stored(randomUUID(), body as Record<string, unknown>, now, now);
      webhooks.set(webhook.id as string, webhook);
      return answer(res, 200, { webhook: present(webhook) });
    }
    if (method === "GET" && path === BASE) {
      const all = [...webhooks.values()];
      const page = Math.max(1, Number(url.searchParams.get("page") ?? "1"));
      const last = Math.max(1, Math.ceil(all.length / PER_PAGE));
      const data = all.slice((page - 1) * PER_PAGE, page * PER_PAGE).map(present);
      const link = (p: number) => `${BASE}?page=${p}`;
      return answer(res, 200, {
        type: "webhook",
        meta: { total: all.length, per_page: PER_PAGE, current_page: page, last_page: last, from: data.length ? (page - 1) * PER_PAGE + 1 : null, to: data.length ? (page - 1) * PER_PAGE + data.length : null },
        links: { first: link(1), last: link(last), prev: page > 1 ? link(page - 1) : null, next: page < last ? link(page + 1) : null },
        data,
      });
    }
    const id = decodeURIComponent(path.slice(BASE.length + 1));
    const existing = webhooks.get(id);
    if (method === "DELETE") return answer(res, 200, { status: webhooks.delete(id) });
    if (existing === undefined) return answer(res, 412, problem(412, "The selected id is invalid.", "invalidParameter", "request", "webhookValidation"));
    if (method === "GET") return answer(res, 200, { webhook: present(existing) });
    if (method === "PUT") {
      const invalid = check(body);
      if (invalid) return answer(res, 412, problem(412, invalid, "invalidParameter", "request", "webhookValidation"));
      const webhook = stored(id, body as Record<string, unknown>, existing.created_timestamp as string, new Date().toISOString());
      webhooks.set(id, webhook);
      return answer(res, 200, { webhook: present(webhook) });
    }
    return answer(res, 400, problem(400, "Bad Request", "invalid", "request", "default"));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    webhooks,
    requests,
    dropNext: (n) => {
      drops = n;
    },
    failNext: (n, status) => {
      failures = n;
      failureStatus = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function check(body: unknown): string | undefined {
  const b = (body ?? {}) as Record<string, unknown>;
  const types = b.event_types;
  if (!Array.isArray(types) || types.length === 0 || types.some((t) => !(EVENT_TYPES as readonly unknown[]).includes(t))) return "The selected event types is invalid.";
  if (typeof b.url !== "string" || !/^https?:\/\//.test(b.url)) return "The url format is invalid.";
  if (!(VERBS as readonly unknown[]).includes(b.verb)) return "The selected verb is invalid.";
  if (b.content_type !== undefined && !(PAYLOAD_CONTENT_TYPES as readonly unknown[]).includes(b.content_type)) return "The selected content type is invalid.";
  if (b.field_set !== undefined && !(FIELD_SETS as readonly unknown[]).includes(b.field_set)) return "The selected field set is invalid.";
  return undefined;
}

/** Stored as sent, with the credentials kept (the receiver needs them) but never echoed back. */
function stored(id: string, body: Record<string, unknown>, created: string, updated: string): Record<string, unknown> {
  return {
    id,
    url: body.url,
    verb: body.verb,
    auth_details: body.auth_details ?? null,
    auth_type: body.auth_type ?? null,
    status: "enabled",
    settings: body.settings ?? { include_html: false },
    content_type: body.content_type ?? "application/json",
    field_set: body.field_set ?? "standard",
    updated_timestamp: updated,
    created_timestamp: created,
    event_types: body.event_types,
  };
}

function present(webhook: Record<string, unknown>): Record<string, unknown> {
  return { ...webhook, auth_details: null, settings: JSON.stringify(webhook.settings) };
}

function problem(code: number, message: string, reason: string, locationType: string, location: string) {
  return { code, message, error: { errors: [{ domain: "global", reason, message, locationType, location }] } };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
