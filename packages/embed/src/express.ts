import type { IncomingMessage, ServerResponse } from "node:http";
import { handleWebhook, type HandleOptions, type Normalizer } from "@tidings/core";
import { send } from "./node.js";

/**
 * Express (4 or 5) middleware: `app.post("/webhooks/sendgrid", expressHandler(normalizer, { onEvents }))`.
 * Mount it before express.json(), or after express.raw(); a failure of `onEvents` goes to `next`.
 */
export function expressHandler(
  normalizer: Normalizer,
  options: HandleOptions,
): (request: IncomingMessage & { body?: unknown }, response: ServerResponse, next: (error?: unknown) => void) => void {
  return (request, response, next) => {
    handleWebhook(normalizer, request, options).then((reply) => send(response, reply), next);
  };
}
