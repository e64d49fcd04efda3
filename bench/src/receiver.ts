import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { startChild, type Child } from "./processes.js";
import { EVERLYTIC_AUTH, EVERLYTIC_CREDENTIALS, everlyticPayloads, sendgridEvents } from "./workloads.js";

const CLI = fileURLToPath(new URL("../../packages/cli/dist/main.js", import.meta.url));
const BARE = fileURLToPath(new URL("./bare-server.js", import.meta.url));
const API_KEY = "bench-api-key-0123456789";
const PATH = "/v2/inbound-webhooks/delivery-providers/bench";

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly p50Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface ReceiverFigures {
  readonly bare: LoadResult;
  readonly receiver: LoadResult;
  readonly batches: LoadResult;
}

/**
 * Each call gets a body of its own: every marker becomes a fresh random UUID, as providers' event
 * ids are random (so storage pays for random keys), and no request is ever a re-delivery.
 */
function uniqueBodies(template: string, marker: string): () => string {
  const parts = template.split(marker);
  return () => {
    let body = parts[0]!;
    for (let i = 1; i < parts.length; i++) body += randomUUID() + parts[i]!;
    return body;
  };
}

async function load(url: string, headers: Record<string, string>, nextBody: () => string, seconds: number, connections: number): Promise<LoadResult> {
  // A short unmeasured run first, so both servers are measured warm (JIT, page cache, WAL).
  await autocannon({ url, method: "POST", connections, duration: Math.max(1, Math.round(seconds / 3)), headers, requests: [{ setupRequest: (request) => ({ ...request, body: nextBody() }) }] });
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration: seconds,
    headers,
    requests: [{ setupRequest: (request) => ({ ...request, body: nextBody() }) }],
  });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** The bare fastify route and the real receiver under the same load, then SendGrid batches. */
export async function receiverFigures(seconds: number): Promise<ReceiverFigures> {
  const dir = mkdtempSync(join(tmpdir(), "tidings-bench-"));
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      environments: [{ id: "bench", apiKeys: [API_KEY] }],
      integrations: [
        { environmentId: "bench", id: "everlytic", provider: "everlytic-standard", credentials: EVERLYTIC_CREDENTIALS },
        { environmentId: "bench", id: "sendgrid", provider: "sendgrid" },
      ],
    }),
  );
  const everlytic = everlyticPayloads(1)[0]!;
  const everlyticBody = uniqueBodies(JSON.stringify({ ...everlytic, id: "@ID@" }), "@ID@");
  const everlyticHeaders = { "content-type": "application/json", authorization: EVERLYTIC_AUTH };
  const batchTemplate = `[${sendgridEvents(100).map((event, i) => JSON.stringify({ ...event, sg_event_id: "@ID@" })).join(",\r\n")}]\r\n`;
  const batchBody = uniqueBodies(batchTemplate, "@ID@");
  const batchHeaders = { "content-type": "application/json", authorization: `ApiKey ${API_KEY}` };
  const connections = 32;
  let child: Child | undefined;
  try {
    child = await startChild(process.execPath, [BARE]);
    const bare = await load(`${child.url}${PATH}/everlytic`, everlyticHeaders, everlyticBody, seconds, connections);
    await child.stop();
    child = await startChild(process.execPath, [CLI, "serve", "--port", "0", "--config", config, "--db", join(dir, "bench.db")]);
    const receiver = await load(`${child.url}${PATH}/everlytic`, everlyticHeaders, everlyticBody, seconds, connections);
    const batches = await load(`${child.url}${PATH}/sendgrid`, batchHeaders, batchBody, seconds, connections);
    return { bare, receiver, batches };
  } finally {
    await child?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
