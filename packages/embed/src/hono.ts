import type { HandleOptions, Normalizer } from "@tidings/core";
import { fetchHandler } from "./fetch.js";

/** A Hono handler: `app.post("/webhooks/sendgrid", honoHandler(normalizer, { onEvents }))`. */
export function honoHandler(normalizer: Normalizer, options: HandleOptions): (context: { req: { raw: Request } }) => Promise<Response> {
  const handle = fetchHandler(normalizer, options);
  return (context) => handle(context.req.raw);
}
