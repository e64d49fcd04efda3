import fc from "fast-check";
import { basicAuthHeader } from "@tidings/core";
import type { SuiteRequest } from "@tidings/core/testkit";
import { UNCONFIRMED_CODES, VERIFICATION_HEADER } from "../src/index.js";

export const USERNAME = "ringcentral";
export const PASSWORDS = ["webhook-secret-old", "webhook-secret"] as const;
export const TOKENS = ["old-token-7d1f", "hello-world"] as const;
export const CREDENTIALS = { username: USERNAME, password: [...PASSWORDS], verificationToken: [...TOKENS] };

const anyCase = (value: string) => fc.constantFrom(value, value.toLowerCase(), value.toUpperCase());
const phone = fc.stringMatching(/^\+1[2-9]\d{9}$/);

/** RingCentral's times: ISO 8601 UTC with microseconds (`2021-05-26T04:16:08.107007Z`). */
const microsecondTime = fc
  .record({ at: fc.date({ min: new Date("2015-01-01"), max: new Date("2035-01-01"), noInvalidDate: true }), micros: fc.integer({ min: 0, max: 999 }) })
  .map(({ at, micros }) => at.toISOString().replace("Z", `${String(micros).padStart(3, "0")}Z`));

const OTHER_CODES = ["SMS-CAR-411", "SMS-CAR-413", "SMS-RC-430", "SMS-UP-500", "SMS-XYZ-1"];
const errorCode = (status: string) =>
  fc.constantFrom(...(status.toLowerCase() === "deliveryfailed" ? OTHER_CODES : [...OTHER_CODES, ...UNCONFIRMED_CODES]));

/** An envelope as every RingCentral notification has one. */
function envelope(event: string, body: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({ uuid: fc.uuid(), timestamp: microsecondTime, body, ownerId: fc.constant("405150459033") }).map(({ uuid, timestamp, body, ownerId }) => ({
    uuid,
    event,
    subscriptionId: "417eaa6f-e2bd-4b37-adae-868de87d20e1",
    ownerId,
    timestamp,
    body,
  }));
}

/** A High Volume SMS message: one number in `to`, the status on the message. */
function highVolumeMessage(status: fc.Arbitrary<string>, code: fc.Arbitrary<string | undefined>, direction = "Outbound"): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({ status, code, to: phone, id: fc.integer({ min: 1, max: 1e9 }).map(String), created: microsecondTime, modified: microsecondTime })
    .map(({ status, code, to, id, created, modified }) => ({
      messageStatus: status,
      lastModifiedTime: modified,
      cost: 0.007,
      creationTime: created,
      from: "+13102375087",
      id,
      to: [to],
      text: "Thank you for the message",
      segmentCount: 1,
      direction,
      ...(code === undefined ? {} : { errorCode: code }),
    }));
}

/** A message store record: recipients as caller info, each with its own status; the message's is an aggregate. */
function messageStoreRecord(status: fc.Arbitrary<string>, code: fc.Arbitrary<string | undefined>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      to: fc.uniqueArray(fc.record({ phoneNumber: phone, messageStatus: status }), { minLength: 1, maxLength: 4, selector: (entry) => entry.phoneNumber }),
      aggregate: fc.constantFrom("Queued", "Sent", "SendingFailed"),
      code,
      id: fc.bigInt({ min: 1n, max: 2n ** 62n }),
      modified: microsecondTime,
      delivered: fc.option(microsecondTime, { nil: undefined }),
      attempts: fc.option(fc.nat({ max: 5 }), { nil: undefined }),
    })
    .map(({ to, aggregate, code, id, modified, delivered, attempts }) => ({
      id: Number(id % BigInt(Number.MAX_SAFE_INTEGER)),
      to,
      from: { phoneNumber: "18555550010" },
      type: "SMS",
      direction: "Outbound",
      messageStatus: to.length === 1 ? to[0]!.messageStatus : aggregate,
      lastModifiedTime: modified,
      ...(delivered === undefined ? {} : { smsDeliveryTime: delivered }),
      ...(attempts === undefined ? {} : { smsSendingAttemptsCount: attempts }),
      ...(code === undefined ? {} : { deliveryErrorCode: code }),
    }));
}

/** A notification whose events are named `name`, documented or any other text. */
export function notification(name: string): fc.Arbitrary<Record<string, unknown>> {
  if (name === "changes") {
    const change = fc.record({ type: fc.constantFrom("SMS", "Pager", "Fax", "VoiceMail"), newCount: fc.nat(5), updatedCount: fc.nat(5) });
    return envelope(
      "/restapi/v1.0/account/~/extension/406149828004/message-store",
      fc.record({ extensionId: fc.constant("406149828004"), lastUpdated: microsecondTime, changes: fc.array(change, { maxLength: 3 }) }),
    );
  }
  if (name === "Inbound") {
    return envelope(
      "/restapi/v1.0/account/~/a2p-sms/messages?direction=Inbound",
      highVolumeMessage(fc.constantFrom("Delivered", "Received"), fc.constant(undefined), "Inbound"),
    );
  }
  const [status, refinement] = name.split(":") as [string, string | undefined];
  const code: fc.Arbitrary<string | undefined> =
    refinement === "unconfirmed" ? fc.constantFrom(...UNCONFIRMED_CODES).chain((c) => anyCase(c)) : fc.option(errorCode(status), { nil: undefined });
  const statusText = /^[A-Za-z]+$/.test(status) && refinement === undefined ? anyCase(status) : fc.constant(refinement === "unconfirmed" ? status : name);
  return fc.oneof(
    envelope("/restapi/v1.0/account/~/a2p-sms/messages?direction=Outbound", highVolumeMessage(statusText, code)),
    envelope("/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS", messageStoreRecord(statusText, code)),
  );
}

/** RingCentral's POST: JSON, basic auth from the URL (either configured password) and the verification token. */
export function ringcentralRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({ event: notification(name), password: fc.constantFrom(...PASSWORDS), token: fc.constantFrom(...TOKENS) })
    .map(({ event, password, token }) => ({
      contentType: "application/json",
      body: JSON.stringify(event),
      headers: { authorization: basicAuthHeader(USERNAME, password), [VERIFICATION_HEADER]: token },
    }));
}
