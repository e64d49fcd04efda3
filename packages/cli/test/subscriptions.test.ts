import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscriptions } from "../src/commands/subscriptions.js";
import { capture } from "./capture.js";

const SECRET = `whsec_${Buffer.alloc(32, 3).toString("base64")}`;

describe("tidings subscriptions test", () => {
  let dir: string;
  let endpoint: Server;
  let url: string;
  let status = 204;
  const received: { verified: boolean; body: string }[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tidings-subs-"));
    const verifier = new Webhook(SECRET);
    endpoint = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        let verified = true;
        try {
          verifier.verify(body, request.headers as Record<string, string>);
        } catch {
          verified = false;
        }
        received.push({ verified, body });
        response.writeHead(status).end(status === 204 ? undefined : "try later");
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
    const address = endpoint.address();
    url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/hooks`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  function config(subscription: Record<string, unknown>): string {
    const path = join(dir, `config-${received.length}-${status}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        environments: [{ id: "demo", apiKeys: ["a-key-of-sixteen-chars"] }],
        integrations: [],
        subscriptions: [{ id: "app", environmentId: "demo", url, secret: SECRET, allowPrivateNetwork: true, ...subscription }],
      }),
    );
    return path;
  }

  it("sends a signed test event and prints the answer", async () => {
    const result = await capture(() => subscriptions(["test", "app", "--config", config({})]));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/answered 204 in \d+ ms/);
    expect(result.out).toContain("delivered");
    expect(received).toHaveLength(1);
    expect(received[0]!.verified).toBe(true);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: "tidings.test", data: { subscriptionId: "app", environmentId: "demo" } });
  });

  it("exits 1 with the answer when the endpoint refuses", async () => {
    status = 503;
    const result = await capture(() => subscriptions(["test", "app", "--config", config({})]));
    expect(result.code).toBe(1);
    expect(result.out).toContain("answered 503");
    expect(result.out).toContain("body: try later");
    expect(result.out).toContain("not delivered");
  });

  it("names the subscriptions there are when the id is unknown", async () => {
    await expect(subscriptions(["test", "nope", "--config", config({})])).rejects.toThrow(/no subscription "nope" .*\(it has: app\)/);
  });
});
