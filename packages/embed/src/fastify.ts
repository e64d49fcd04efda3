import type { FastifyPluginAsync } from "fastify";
import { handleWebhook, type HandleOptions, type Normalizer } from "@tidings/core";

export interface FastifyWebhookOptions extends HandleOptions {
  readonly normalizer: Normalizer;
  /** The route's path inside the plugin's prefix ("/" by default). */
  readonly path?: string;
}

/**
 * A Fastify plugin with one POST route: `app.register(fastifyWebhook, { prefix: "/webhooks/sendgrid",
 * normalizer, onEvents })`. Inside its own scope every body arrives as raw bytes, so the rest of the
 * app keeps Fastify's JSON parsing; a failure of `onEvents` goes to Fastify's error handler.
 */
export const fastifyWebhook: FastifyPluginAsync<FastifyWebhookOptions> = async (app, options) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: options.normalizer.limits.maxBytes }, (_request, body, done) => done(null, body));
  app.post(options.path ?? "/", async (request, reply) => {
    const answer = await handleWebhook(options.normalizer, { method: request.method, headers: request.headers, body: request.body as Buffer | undefined }, options);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
};
