import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";

/** One request the endpoint received, with whether its signature verified. */
export interface Received {
  readonly id: string;
  readonly body: string;
  readonly verified: boolean;
  readonly status: number;
}

export interface Endpoint {
  readonly url: string;
  readonly received: Received[];
  /** Ids answered 2xx, in order. */
  delivered(): string[];
  close(): Promise<void>;
}

/** A base64 secret of 32 fixed bytes, as `whsec_...` (Standard Webhooks). */
export const SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;

/**
 * A local webhook endpoint that verifies each request with the `standardwebhooks` package, as a
 * subscriber would, and answers what `answer` says (the status, or "hang" to never answer).
 */
export async function startEndpoint(answer: (id: string, attempt: number) => number | "hang"): Promise<Endpoint> {
  const verifier = new Webhook(SECRET);
  const received: Received[] = [];
  const attempts = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const id = String(request.headers["webhook-id"]);
      let verified = true;
      try {
        verifier.verify(body, request.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      const status = answer(id, attempt);
      received.push({ id, body, verified, status: status === "hang" ? 0 : status });
      if (status === "hang") {
        hanging.add(response);
        return;
      }
      response.writeHead(status, { "content-type": "text/plain" }).end(`answer ${status} to attempt ${attempt}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    delivered: () => received.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.id),
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `check` until it is true (no timing is asserted: the bound only stops a hung test). */
export async function until(check: () => boolean | Promise<boolean>, what: string, boundMs = 20_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
