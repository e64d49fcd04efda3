import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { ses } from "../src/index.js";
import { CERT_URL, CREDENTIALS, NOW, notificationOf, OTHER_CERTIFICATE, requestOf, sesRequest, signEnvelope } from "./support.js";

testPlugin({ plugin: ses, credentials: CREDENTIALS, now: NOW, requestFor: sesRequest });

const delivery = { eventType: "Delivery", mail: { timestamp: "2026-01-15T09:58:00.000Z", messageId: "0100019bc1f2", destination: ["a@example.com"] }, delivery: { timestamp: "2026-01-15T09:58:30.000Z", recipients: ["a@example.com"], smtpResponse: "250 ok" } };

/** SNS signs fields, not bytes: a tampered request changes the signed Message's content. */
function tamperMessage(request: SuiteRequest): SuiteRequest {
  const envelope = JSON.parse(String(request.body)) as Record<string, string>;
  return { ...request, body: JSON.stringify({ ...envelope, Message: envelope["Message"]!.replace("250 ok", "250 OK") }) };
}

testSignatures({
  plugin: ses,
  credentials: CREDENTIALS,
  wrongCredentials: { ...CREDENTIALS, certificates: { [CERT_URL]: OTHER_CERTIFICATE } },
  now: NOW,
  validRequest: requestOf(signEnvelope(notificationOf(delivery))),
  tamper: tamperMessage,
  staleRequest: requestOf(signEnvelope(notificationOf(delivery, { Timestamp: new Date(NOW.getTime() - 2 * 3_600_000).toISOString() }))),
  exempt: {
    "each signed header is required":
      "SNS signs fields inside the body, not headers; a missing Signature, SigningCertURL or signed field is covered in sns.test.ts and the fixtures",
  },
});
