import { handleWebhook, type HandleOptions, type Normalizer, type WebhookReply } from "@tidings/core";

/**
 * A Web-standard handler, `(request: Request) => Promise<Response>`: a Next.js route handler
 * (`export const POST = fetchHandler(...)`), `Bun.serve({ fetch })`, `Deno.serve(handler)`.
 * A failure of `onEvents` rejects, so the runtime answers 500 and the provider retries.
 */
export function fetchHandler(normalizer: Normalizer, options: HandleOptions): (request: Request) => Promise<Response> {
  return async (request) => toResponse(await handleWebhook(normalizer, request, options));
}

export function toResponse(reply: WebhookReply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}
