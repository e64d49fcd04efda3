import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { API_KEY, INBOUND, useTestServer } from "./helpers.js";

const MAILGUN_DIR = fileURLToPath(new URL("../../../plugins/mailgun", import.meta.url));
const SIGNING_KEY = "key-community-plugin-test";

describe("a community plugin loaded from the config's plugins list", () => {
  const server = useTestServer({
    config: {
      environments: [{ id: "env-a", apiKeys: [API_KEY] }],
      integrations: [{ environmentId: "env-a", id: "mailgun", provider: "mailgun", credentials: { signingKey: SIGNING_KEY } }],
      plugins: [MAILGUN_DIR],
    },
  });

  it("serves Mailgun's signed webhooks", async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const token = "f".repeat(50);
    const signature = createHmac("sha256", SIGNING_KEY).update(timestamp + token).digest("hex");
    const eventData = { event: "failed", severity: "temporary", id: "mg-1", timestamp: 1_710_861_288.5, message: { headers: { "message-id": "abc@mg.example.com" } }, "delivery-status": { "attempt-no": 2, message: "452 mailbox full" } };
    const response = await server().post(`${INBOUND}/env-a/mailgun`, JSON.stringify({ signature: { timestamp, token, signature }, "event-data": eventData }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject([{ id: "mg-1", event: { status: "deferred", externalId: "abc@mg.example.com", attempts: 2, response: "452 mailbox full" } }]);
    const forged = await server().post(`${INBOUND}/env-a/mailgun`, JSON.stringify({ signature: { timestamp, token, signature: "0".repeat(64) }, "event-data": eventData }));
    expect(forged.status).toBe(401);
  });
});
