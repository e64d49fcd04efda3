import { createPrivateKey, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FetchPolicy, HostServices } from "@tidings/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHostServices } from "../src/host/index.js";
import { createLogger, resolveConfig, startServer, type RunningServer } from "../src/index.js";

const keys = new URL("../../../fixtures/ses/keys/", import.meta.url);
const key = createPrivateKey(readFileSync(new URL("signing.key", keys), "utf8"));
const cert = readFileSync(new URL("signing.crt", keys), "utf8");
const TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events";
const CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";
const API_KEY = "env-a-api-key-0123456789";

/** An SNS message signed as SNS signs it (SignatureVersion 1), with the fixtures' test certificate. */
function signed(m: Record<string, string>): Record<string, string> {
  const fields =
    m["Type"] === "Notification" ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  const text = fields.filter((f) => m[f] !== undefined).map((f) => `${f}\n${m[f]}\n`).join("");
  return { ...m, Signature: sign("RSA-SHA1", Buffer.from(text), key).toString("base64") };
}

describe("Amazon SES through the server", () => {
  let server: RunningServer;
  const dir = mkdtempSync(join(tmpdir(), "tidings-ses-"));
  const fetched: string[] = [];
  const policies: FetchPolicy[] = [];
  beforeAll(async () => {
    // The host's real policy code, with DNS and the network replaced: no test reaches the internet.
    const hostServices: HostServices = createHostServices({
      lookup: async () => ["52.94.233.129"],
      fetch: (async (url: string) => {
        fetched.push(url);
        return new Response(url.endsWith(".pem") ? cert : "<ConfirmSubscriptionResponse/>", { status: 200 });
      }) as typeof fetch,
    });
    const spy: HostServices = { fetchText: (url, policy) => (policies.push(policy), hostServices.fetchText(url, policy)) };
    const config = await resolveConfig(
      {
        environments: [{ id: "env-a", apiKeys: [API_KEY] }],
        integrations: [{ environmentId: "env-a", id: "ses", provider: "ses", credentials: { topicArns: [TOPIC], username: "sns", password: "secret-1" } }],
      },
      "<test>",
    );
    server = await startServer({ config, database: join(dir, "tidings.db"), port: 0, host: "127.0.0.1", logger: createLogger({ level: "silent" }), hostServices: spy });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown, auth = true) =>
    fetch(`${server.url}/v2/inbound-webhooks/delivery-providers/env-a/ses`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "text/plain; charset=UTF-8", ...(auth ? { authorization: `Basic ${Buffer.from("sns:secret-1").toString("base64")}` } : {}) },
    });

  it("challenges for basic auth, fetches the certificate, stores events and confirms subscriptions", async () => {
    const now = new Date().toISOString();
    const confirmation = signed({
      Type: "SubscriptionConfirmation",
      MessageId: "m-1",
      Token: "tok",
      TopicArn: TOPIC,
      Message: "confirm",
      SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=tok`,
      Timestamp: now,
      SignatureVersion: "1",
      SigningCertURL: CERT_URL,
    });
    const challenged = await post(confirmation, false);
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get("www-authenticate")).toContain("Basic");
    const answer = await post(confirmation);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fetched).toEqual([CERT_URL, confirmation["SubscribeURL"]]);
    const event = { eventType: "Delivery", mail: { timestamp: now, messageId: "mail-1", destination: ["a@example.com"] }, delivery: { timestamp: now, recipients: ["a@example.com"], smtpResponse: "250 ok" } };
    const delivered = await post(signed({ Type: "Notification", MessageId: "m-2", TopicArn: TOPIC, Message: JSON.stringify(event), Timestamp: now, SignatureVersion: "1", SigningCertURL: CERT_URL }));
    expect(delivered.status).toBe(200);
    expect(await delivered.json()).toMatchObject([{ id: "m-2#a@example.com", event: { status: "delivered", externalId: "mail-1" } }]);
    // The certificate came from the cache the second time.
    expect(fetched).toHaveLength(2);
    expect(policies.every((p) => p.allowedHosts.join() === "sns.*.amazonaws.com,sns.*.amazonaws.com.cn")).toBe(true);
  });

  it("refuses a certificate URL on another host with 401 and stores nothing as accepted", async () => {
    const now = new Date().toISOString();
    const event = { eventType: "Delivery", mail: { timestamp: now, messageId: "mail-2", destination: ["a@example.com"] }, delivery: { timestamp: now, recipients: ["a@example.com"] } };
    const response = await post(
      signed({ Type: "Notification", MessageId: "m-3", TopicArn: TOPIC, Message: JSON.stringify(event), Timestamp: now, SignatureVersion: "1", SigningCertURL: "https://evil.example.com/cert.pem" }),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "unauthorized" });
    expect(fetched.some((url) => url.includes("evil"))).toBe(false);
    const feed = await fetch(`${server.url}/v2/inbound-webhooks/delivery-providers/env-a/ses/events`, { headers: { authorization: `ApiKey ${API_KEY}` } });
    expect(((await feed.json()) as { data: { id: string }[] }).data.map((item) => item.id)).not.toContain("m-3#a@example.com");
  });
});
