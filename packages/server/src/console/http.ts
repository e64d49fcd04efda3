import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fastifyCookie, unsign } from "@fastify/cookie";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { matchesSecret } from "@tidings/core";
import type { z } from "zod";
import type { ResolvedConfig } from "../config/load.js";
import { errorResponse } from "../receiver/errors.js";
import type { ReceiverResponse } from "../receiver/http-types.js";
import { describeIssue } from "../receiver/receiver.js";
import type { ActivityStore } from "../store/activity.js";
import { CONSOLE_CSP, findConsoleAssets } from "./assets.js";
import { ConsoleApi, type ConsoleRequest } from "./console-api.js";
import { SignInSchema, type SessionSchema } from "./schemas.js";
import { SESSION_COOKIE, SESSION_TTL_MS, SessionCodec } from "./session.js";

export const CONSOLE_PATH = "/console";
export const CONSOLE_API = `${CONSOLE_PATH}/api`;
export const SESSION_PATH = `${CONSOLE_API}/session`;
export const CONSOLE_ENV_PATH = `${CONSOLE_API}/environments/:environmentId`;

export interface ConsoleOptions {
  readonly config: ResolvedConfig;
  readonly store: ActivityStore;
  readonly logger: Logger;
  readonly now: () => Date;
  /**
   * Signs session cookies. Instances behind one address need the same secret (TIDINGS_SESSION_SECRET);
   * without one, each start makes its own and earlier sessions end.
   */
  readonly sessionSecret?: string;
  /** Sign-in attempts allowed per client address per minute (default 10). */
  readonly signInsPerMinute?: number;
}

/** Reads the verified console session of a request: the environment it grants, or undefined. */
export type SessionReader = (request: FastifyRequest) => string | undefined;

type Send = (reply: FastifyReply, response: ReceiverResponse) => unknown;

/**
 * Mounts the console: its page and assets under /console, its JSON endpoints under /console/api,
 * and the session cookie (signed by @fastify/cookie; httpOnly, SameSite=Strict, one environment).
 * Returns the session reader the feed and timeline endpoints use to accept a session as they accept the API key.
 */
export function mountConsole(app: FastifyInstance, options: ConsoleOptions, send: Send): SessionReader {
  const secret = options.sessionSecret ?? randomBytes(32).toString("base64url");
  const codec = new SessionCodec(secret);
  const api = new ConsoleApi({ config: options.config, store: options.store, logger: options.logger, now: options.now });
  const assets = findConsoleAssets();
  const environments = options.config.environments;

  /** The session's claims: the cookie's signature checked (@fastify/cookie's unsign), then its content. */
  const claimsOf = (request: FastifyRequest) => {
    const header = request.headers.cookie;
    if (header === undefined) return undefined;
    const raw = fastifyCookie.parse(header)[SESSION_COOKIE];
    if (raw === undefined) return undefined;
    const unsigned = unsign(raw, secret);
    if (!unsigned.valid || unsigned.value === null) return undefined;
    return codec.verify(unsigned.value, environments, options.now().getTime());
  };
  const sessionOf: SessionReader = (request) => claimsOf(request)?.environmentId;
  const consoleRequest = (request: FastifyRequest): ConsoleRequest => {
    const session = sessionOf(request);
    return {
      method: request.method,
      headers: request.headers as ConsoleRequest["headers"],
      params: request.params as Record<string, string>,
      query: request.query as ConsoleRequest["query"],
      rawBody: new Uint8Array(0),
      origin: `${request.protocol}://${request.host}`,
      ...(session === undefined ? {} : { sessionEnvironmentId: session }),
    };
  };

  // Registered inside the console's scope: their hooks run on its routes only, never on a webhook.
  app.register(async (scope) => {
    await scope.register(fastifyCookie, { secret });
    await scope.register(fastifyRateLimit, { global: false });
    if (assets.index !== undefined) {
      // Vite names each asset by its content hash, so an asset never changes under its URL.
      await scope.register(fastifyStatic, { root: join(assets.dir, "assets"), prefix: `${CONSOLE_PATH}/assets/`, index: false, immutable: true, maxAge: "365d" });
    }
    const page = (_request: FastifyRequest, reply: FastifyReply) => {
      if (assets.index === undefined) {
        return send(reply, errorResponse("not_found", "the console was not built: run `pnpm install` (it builds packages/console)"));
      }
      return reply
        .code(200)
        .headers({ "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", "content-security-policy": CONSOLE_CSP, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" })
        .send(assets.index);
    };
    scope.get("/", (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 302));
    scope.get(CONSOLE_PATH, page);
    scope.get(`${CONSOLE_PATH}/`, page);

    scope.get(SESSION_PATH, (request, reply) => {
      const claims = claimsOf(request);
      if (claims === undefined) return send(reply, errorResponse("unauthorized", "not signed in"));
      const session: z.infer<typeof SessionSchema> = { environmentId: claims.environmentId, expiresAt: new Date(claims.expiresAt).toISOString() };
      return send(reply, { statusCode: 200, body: JSON.stringify(session) });
    });
    scope.post(SESSION_PATH, { config: { rateLimit: { max: options.signInsPerMinute ?? 10, timeWindow: 60_000 } } }, (request, reply) => {
      const contentType = request.headers["content-type"] ?? "";
      if (!/^application\/json\b/i.test(contentType)) return send(reply, errorResponse("unsupported_content_type", "send the key as application/json: {\"apiKey\": \"...\"}"));
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(request.body as Uint8Array).toString("utf8"));
      } catch {
        return send(reply, errorResponse("malformed_body", "the body is not JSON"));
      }
      const parsed = SignInSchema.safeParse(body);
      if (!parsed.success) return send(reply, errorResponse("invalid_request", describeIssue(parsed.error)));
      const { apiKey } = parsed.data;
      // Every environment is compared, in constant time per key; the first that holds the key is the session's.
      const environment = [...environments.values()].find((candidate) => matchesSecret(apiKey, candidate.apiKeys));
      if (environment === undefined) {
        options.logger.warn({ ip: request.ip }, "console sign-in with a key no environment holds");
        return send(reply, errorResponse("unauthorized", "no environment has this API key"));
      }
      const expiresAt = options.now().getTime() + SESSION_TTL_MS;
      reply.setCookie(SESSION_COOKIE, codec.encode({ environmentId: environment.id, expiresAt, keyTag: codec.keyTag(apiKey) }), {
        signed: true,
        httpOnly: true,
        sameSite: "strict",
        secure: "auto",
        path: "/",
        maxAge: SESSION_TTL_MS / 1000,
      });
      const session: z.infer<typeof SessionSchema> = { environmentId: environment.id, expiresAt: new Date(expiresAt).toISOString() };
      return send(reply, { statusCode: 200, body: JSON.stringify(session) });
    });
    scope.delete(SESSION_PATH, (_request, reply) => {
      reply.clearCookie(SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "strict", secure: "auto" });
      return reply.code(204).send();
    });

    scope.get(`${CONSOLE_ENV_PATH}/integrations`, (request, reply) => api.integrations(consoleRequest(request)).then((response) => send(reply, response)));
    scope.get(`${CONSOLE_ENV_PATH}/events`, (request, reply) => api.events(consoleRequest(request)).then((response) => send(reply, response)));
    scope.get(`${CONSOLE_ENV_PATH}/stats`, (request, reply) => api.stats(consoleRequest(request)).then((response) => send(reply, response)));
    scope.get(`${CONSOLE_ENV_PATH}/rejected`, (request, reply) => api.rejected(consoleRequest(request)).then((response) => send(reply, response)));
    scope.get(`${CONSOLE_ENV_PATH}/kept`, (request, reply) => api.kept(consoleRequest(request)).then((response) => send(reply, response)));
  });
  return sessionOf;
}
