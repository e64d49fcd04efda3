import { describe, expect, it } from "vitest";
import { buildOpenApi, HTTP_ERRORS, HttpErrorCodeSchema } from "../src/index.js";
import { twilio } from "@tidings/plugin-twilio";
import { API_KEY, INBOUND, useTestServer } from "./helpers.js";

const APIKEY = { authorization: `ApiKey ${API_KEY}` };

describe("the Novu-compatible POST answer", () => {
  const server = useTestServer();

  it("is exactly WebhookResultDto[]: no details, integration or provider fields, even when the event has details", async () => {
    const batch = JSON.stringify([
      { event: "click", email: "a@example.com", category: ["welcome"], url: "https://example.com/x", useragent: "UA", ip: "203.0.113.9", timestamp: 1_700_000_000, sg_event_id: "c-1", sg_message_id: "m-1.filter0001", order_id: "o-7" },
    ]);
    const response = await server().post(`${INBOUND}/env-a/sendgrid`, batch, APIKEY);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>[];
    expect(body).toHaveLength(1);
    expect(Object.keys(body[0]!).sort()).toEqual(["event", "id"]);
    expect(Object.keys(body[0]!.event as object).sort()).toEqual(["date", "externalId", "response", "row", "status"]);
    expect(body[0]).toMatchObject({ id: "c-1", event: { status: "clicked", externalId: "m-1", response: "https://example.com/x" } });
  });

  it("refuses an unauthenticated call to an integration without credentials before reading its body", async () => {
    // A body that could not be decoded: the answer is still 401, so nothing was decoded first.
    const response = await server().post(`${INBOUND}/env-a/sendgrid`, "{not json", {});
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "unauthorized" });
    // With the environment's key the same body reaches the decoder.
    expect((await server().post(`${INBOUND}/env-a/sendgrid`, "{not json", APIKEY)).status).toBe(400);
  });
});

describe("responseId: message (Novu's keying)", () => {
  const server = useTestServer({
    config: {
      environments: [{ id: "env-a", apiKeys: [API_KEY] }],
      integrations: [{ environmentId: "env-a", id: "sendgrid", provider: "sendgrid", correlation: { metadataKey: "order_id" }, responseId: "message" }],
    },
  });

  it("keys each result by the sender's correlation id, else the provider's message id", async () => {
    const batch = JSON.stringify([
      { event: "delivered", timestamp: 1_700_000_000, sg_event_id: "d-1", sg_message_id: "m-1.filter0001", order_id: "o-7" },
      { event: "delivered", timestamp: 1_700_000_000, sg_event_id: "d-2", sg_message_id: "m-2.filter0001" },
      { event: "delivered", timestamp: 1_700_000_000, sg_event_id: "d-3" },
    ]);
    const response = await server().post(`${INBOUND}/env-a/sendgrid`, batch, APIKEY);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: string }[]).map((r) => r.id)).toEqual(["o-7", "m-2", "d-3"]);
  });
});

describe("a provider set to call with GET", () => {
  const server = useTestServer({
    config: {
      environments: [{ id: "env-a", apiKeys: [API_KEY] }],
      integrations: [{ environmentId: "env-a", id: "twilio", provider: "twilio", credentials: { signingKey: "0123456789abcdef", url: "https://hooks.example.com/t" } }],
    },
  });

  it("gets 405 naming the provider setting that makes it POST", async () => {
    const response = await server().get(`${INBOUND}/env-a/twilio?MessageSid=SM1&MessageStatus=sent`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST, HEAD");
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe("method_not_allowed");
    expect(body.message).toContain(twilio.methodHint!);
  });
});

describe("the error vocabulary", () => {
  it("is one schema: every code has a status, and OpenAPI's enum is that schema's", () => {
    expect(HttpErrorCodeSchema.options).toEqual(Object.keys(HTTP_ERRORS));
    expect(HTTP_ERRORS.internal_error).toBe(500);
    const schemas = (buildOpenApi() as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } }).components.schemas;
    const code = schemas["Error"]!.properties!["code"] as { enum?: string[]; $ref?: string };
    const values = code.enum ?? (schemas[code.$ref!.split("/").pop()!] as unknown as { enum: string[] }).enum;
    expect(values).toEqual(Object.keys(HTTP_ERRORS));
  });
});
