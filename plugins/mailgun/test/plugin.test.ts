import { createHmac } from "node:crypto";
import fc from "fast-check";
import { testPlugin, type SuiteRequest } from "@tidings/core/testkit";
import { mailgun } from "../src/index.js";

const SIGNING_KEY = "key-property-suite-0123456789";
const NOW = new Date("2026-01-15T10:00:00.000Z");

/** The mapping key `name` as Mailgun writes it: `failed:permanent` is event failed with that severity. */
function eventFields(name: string, upperCase: boolean): Record<string, unknown> {
  const [event, severity] = name.split(":");
  return severity === undefined ? { event: name } : { event, severity: upperCase ? severity.toUpperCase() : severity };
}

/** Signed Mailgun calls whose event-data is a `name` event. */
function mailgunRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({
      id: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      timestamp: fc.double({ min: 1_500_000_000, max: 1_900_000_000, noNaN: true }),
      recipient: fc.emailAddress(),
      messageId: fc.stringMatching(/^[0-9a-f]{12}\.[0-9]@mg\.example\.com$/),
      attempt: fc.integer({ min: 1, max: 8 }),
      message: fc.string({ maxLength: 30 }),
      token: fc.stringMatching(/^[0-9a-f]{50}$/),
      skew: fc.integer({ min: -300, max: 300 }),
      upperCase: fc.boolean(),
    })
    .map(({ id, timestamp, recipient, messageId, attempt, message, token, skew, upperCase }): SuiteRequest => {
      const signedAt = String(Math.floor(NOW.getTime() / 1000) + skew);
      const signature = createHmac("sha256", SIGNING_KEY).update(signedAt + token).digest("hex");
      const eventData = {
        ...eventFields(name, upperCase),
        id,
        timestamp,
        recipient,
        message: { headers: { "message-id": messageId } },
        "delivery-status": { "attempt-no": attempt, message, description: "" },
      };
      return { contentType: "application/json", body: JSON.stringify({ signature: { timestamp: signedAt, token, signature }, "event-data": eventData }) };
    });
}

testPlugin({ plugin: mailgun, credentials: { signingKey: SIGNING_KEY }, now: NOW, requestFor: mailgunRequest });
