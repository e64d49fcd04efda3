import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeForm, validatorFor } from "@tidings/core";
import { API_KEY, EVERLYTIC_BASIC, INBOUND, useTestServer } from "../helpers.js";

const PATHS = ["everlytic", "legacy", "sendgrid", "open-sendgrid", "nope"].map((id) => `${INBOUND}/env-a/${id}`);
const CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", "application/xml", "", "multipart/form-data", "application/json; charset=latin1"];
const AUTHS = [undefined, `ApiKey ${API_KEY}`, `Bearer ${API_KEY}`, EVERLYTIC_BASIC, "Basic !!", "ApiKey wrong-key-0000000000"];

/** Bodies that look like provider traffic often enough to get past the decoders, and garbage the rest of the time. */
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => encodeForm(v)),
  fc.record({ id: fc.string(), type: fc.constantFrom("sent", "bounce", "__proto__", "x"), timestamp: fc.oneof(fc.string(), fc.integer()), data: fc.jsonValue({ maxDepth: 3 }) }).map((v) => JSON.stringify(v)),
  fc.array(fc.record({ event: fc.constantFrom("open", "bounce", "toString", "delivered"), timestamp: fc.oneof(fc.integer(), fc.double(), fc.string()), sg_event_id: fc.string(), type: fc.string() }), { maxLength: 5 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
);

describe("fuzzing the running receiver", () => {
  const server = useTestServer();

  it("never answers 5xx and every 200 is a valid WebhookResultDto[]", async () => {
    const validate = validatorFor("webhook-result-list");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS),
        body,
        fc.constantFrom(...CONTENT_TYPES),
        fc.constantFrom(...AUTHS),
        fc.option(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /^[\x21-\x7e]+$/.test(s)), { nil: undefined }),
        async (path, text, contentType, authorization, idempotencyKey) => {
          const headers: Record<string, string> = {};
          if (contentType !== "") headers["content-type"] = contentType;
          if (authorization !== undefined) headers.authorization = authorization;
          if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey;
          const response = await fetch(server().url + path, { method: "POST", body: text, headers });
          const answer = await response.text();
          expect(response.status).toBeLessThan(500);
          if (response.status === 200) expect(validate(JSON.parse(answer))).toBe(true);
          else expect(JSON.parse(answer)).toMatchObject({ statusCode: response.status, code: expect.any(String) });
        },
      ),
      { numRuns: 400, interruptAfterTimeLimit: 60_000 },
    );
    expect((await fetch(`${server().url}/health`)).status).toBe(200);
  }, 90_000);
});
