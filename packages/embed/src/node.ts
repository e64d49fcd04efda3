import type { IncomingMessage, ServerResponse } from "node:http";
import { handleWebhook, type HandleOptions, type Normalizer, type WebhookReply } from "@tidings/core";

export interface NodeHandlerOptions extends HandleOptions {
  /** Told about a failure of `onEvents` (the caller got a 500); by default written to stderr. */
  readonly onError?: (error: unknown) => void;
}

/** A node:http request listener: `http.createServer(nodeHandler(normalizer, { onEvents }))`. */
export function nodeHandler(normalizer: Normalizer, options: NodeHandlerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handleWebhook(normalizer, request, options).then(
      (reply) => send(response, reply),
      (error: unknown) => {
        (options.onError ?? console.error)(error);
        send(response, { status: 500, headers: { "content-type": "application/json; charset=utf-8" }, body: '{"statusCode":500,"error":"Internal Server Error","code":"internal_error"}' });
      },
    );
  };
}

export function send(response: ServerResponse, reply: WebhookReply): void {
  response.writeHead(reply.status, reply.headers).end(reply.body);
}
