import { describe } from "vitest";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { mailgun } from "../src/index.js";
import { NOW, NOW_SECONDS, OTHER_KEY, SIGNING_KEY, mailgunRequest, sign } from "./requests.js";

testPlugin({ plugin: mailgun, credentials: { signingKey: SIGNING_KEY }, now: NOW, requestFor: mailgunRequest });

const TOKEN = "a8ce0edb2dd8301dcc5a3a8ab1a0ac5e5a2e12cf3b7cc8b0e6";
const EVENT = { event: "delivered", id: "dlv-1", timestamp: 1768471190.25, recipient: "alice@example.com", message: { headers: { "message-id": "m-1@mg.example.com" } } };
const LEGACY: [string, string][] = [["event", "delivered"], ["recipient", "alice@example.com"], ["Message-Id", "<m-1@mg.example.com>"]];

function currentSigned(timestamp: string, token = TOKEN, signature = sign(timestamp, TOKEN)): SuiteRequest {
  return { contentType: "application/json", body: JSON.stringify({ signature: { timestamp, token, signature }, "event-data": EVENT }) };
}

function legacySigned(timestamp: string, token = TOKEN, signature = sign(timestamp, TOKEN)): SuiteRequest {
  return { contentType: "application/x-www-form-urlencoded", body: new URLSearchParams([...LEGACY, ["timestamp", timestamp], ["token", token], ["signature", signature]]).toString() };
}

const SIGNED_AT = String(NOW_SECONDS - 30);
const STALE_AT = String(NOW_SECONDS - 3600);
/** Mailgun signs timestamp + token only: the event itself is not signed, so tampering means another token. */
const NO_HEADER = "Mailgun signs no header: the timestamp, token and signature travel in the body";

describe("current webhooks", () => {
  testSignatures({
    plugin: mailgun,
    credentials: { signingKey: SIGNING_KEY },
    wrongCredentials: { signingKey: OTHER_KEY },
    now: NOW,
    validRequest: currentSigned(SIGNED_AT),
    tamper: (request) => ({ ...request, body: String(request.body).replace(TOKEN, TOKEN.replace("a8", "b8")) }),
    staleRequest: currentSigned(STALE_AT),
    exempt: { "each signed header is required": NO_HEADER },
  });
});

describe("legacy webhooks", () => {
  testSignatures({
    plugin: mailgun,
    credentials: { signingKey: [OTHER_KEY, SIGNING_KEY] },
    wrongCredentials: { signingKey: OTHER_KEY },
    now: NOW,
    validRequest: legacySigned(SIGNED_AT),
    tamper: (request) => ({ ...request, body: String(request.body).replace(`timestamp=${SIGNED_AT}`, `timestamp=${Number(SIGNED_AT) + 1}`) }),
    staleRequest: legacySigned(STALE_AT),
    exempt: { "each signed header is required": NO_HEADER },
  });
});
