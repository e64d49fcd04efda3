import { basicAuthHeader, inboundRequest, normalizeAsync, type FetchPolicy, type FetchTextResult, type HostServices, type NormalizeOutcome } from "@tidings/core";
import { describe, expect, it } from "vitest";
import { CERTIFICATE_POLICY, MAX_AGE_SECONDS, SesCredentialsSchema, ses } from "../src/index.js";
import { certificateUrlProblem } from "../src/sns.js";
import {
  CERT_URL,
  CERTIFICATE,
  confirmationOf,
  CREDENTIALS,
  NOW,
  notificationOf,
  OTHER_KEY,
  signEnvelope,
  TOPIC,
  type Envelope,
} from "./support.js";

const delivery = {
  eventType: "Delivery",
  mail: { timestamp: "2026-01-15T09:58:00.000Z", messageId: "0100019bc1f2-aaaa", destination: ["a@example.com"] },
  delivery: { timestamp: "2026-01-15T09:58:30.000Z", recipients: ["a@example.com"], smtpResponse: "250 ok" },
};

function run(envelope: Envelope | string, options: { credentials?: unknown; host?: HostServices; headers?: Record<string, string>; now?: Date } = {}): Promise<NormalizeOutcome> {
  const body = typeof envelope === "string" ? envelope : JSON.stringify(envelope);
  const credentials = "credentials" in options ? options.credentials : SesCredentialsSchema.parse(CREDENTIALS);
  return normalizeAsync(ses, inboundRequest({ headers: { "content-type": "text/plain; charset=UTF-8", ...options.headers }, body }), {
    credentials,
    now: options.now ?? NOW,
    ...(options.host === undefined ? {} : { host: options.host }),
  });
}

async function expectUnauthorized(outcome: Promise<NormalizeOutcome>, location?: string): Promise<void> {
  const result = await outcome;
  expect(result).toMatchObject({ ok: false, error: { code: "unauthorized", ...(location === undefined ? {} : { location }) } });
}

async function expectVerified(outcome: Promise<NormalizeOutcome>): Promise<void> {
  const result = await outcome;
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  expect(result.verified).toBe(true);
}

/** A host that answers from a table and records what it was asked. */
function recordingHost(answer: (url: string) => FetchTextResult | Promise<FetchTextResult>): HostServices & { calls: [string, FetchPolicy][] } {
  const calls: [string, FetchPolicy][] = [];
  return {
    calls,
    fetchText: async (url, policy) => {
      calls.push([url, policy]);
      return answer(url);
    },
  };
}

describe("the string SNS signs", () => {
  it("includes Subject when a notification has one", async () => {
    const signed = signEnvelope(notificationOf(delivery, { Subject: "Amazon SES Email Event Notification" }));
    await expectVerified(run(signed));
    await expectUnauthorized(run({ ...signed, Subject: "Another subject" }), "Signature");
    const { Subject: _dropped, ...withoutSubject } = signed;
    await expectUnauthorized(run(withoutSubject), "Signature");
  });

  it("covers Token and SubscribeURL in subscription and unsubscribe confirmations", async () => {
    for (const type of ["SubscriptionConfirmation", "UnsubscribeConfirmation"] as const) {
      const signed = signEnvelope(confirmationOf(type));
      await expectVerified(run(signed));
      await expectUnauthorized(run({ ...signed, Token: `${signed["Token"]}0` }), "Signature");
      await expectUnauthorized(run({ ...signed, SubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=attacker" }), "Signature");
    }
  });

  it("does not cover UnsubscribeURL, and fields added to a signed message never pose as events", async () => {
    const signed = signEnvelope(notificationOf(delivery));
    await expectVerified(run({ ...signed, UnsubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x" }));
    const confirmation = signEnvelope(confirmationOf("SubscriptionConfirmation"));
    const smuggled = { ...confirmation, sns: { MessageId: "x" }, event: delivery } as unknown as Envelope;
    const outcome = await run(smuggled);
    expect(outcome).toMatchObject({ ok: true, verified: true, results: [], ignored: [{ name: "SubscriptionConfirmation" }] });
  });

  it("uses SHA1 for SignatureVersion 1 and SHA256 for 2, never the other", async () => {
    const v1 = signEnvelope(notificationOf(delivery, { SignatureVersion: "1" }));
    const v2 = signEnvelope(notificationOf(delivery, { SignatureVersion: "2" }));
    await expectVerified(run(v1));
    await expectVerified(run(v2));
    await expectUnauthorized(run({ ...v1, SignatureVersion: "2" }), "Signature");
    await expectUnauthorized(run({ ...v2, SignatureVersion: "1" }), "Signature");
    await expectUnauthorized(run({ ...v1, SignatureVersion: "3" }), "SignatureVersion");
  });

  it("fails closed on a signature by another key, a missing one, or one that is not base64", async () => {
    const signed = signEnvelope(notificationOf(delivery));
    await expectUnauthorized(run(signEnvelope(notificationOf(delivery), OTHER_KEY)), "Signature");
    const { Signature: _removed, ...unsigned } = signed;
    await expectUnauthorized(run(unsigned), "Signature");
    await expectUnauthorized(run({ ...signed, Signature: "not base64!" }), "Signature");
  });

  it("refuses a body that is not a signed SNS message", async () => {
    await expectUnauthorized(run("not json"), "body");
    await expectUnauthorized(run({ ...signEnvelope(notificationOf(delivery)), Type: "Delivery" }), "Type");
    const { MessageId: _removed, ...noId } = signEnvelope(notificationOf(delivery));
    await expectUnauthorized(run(noId), "MessageId");
    await expectUnauthorized(run(JSON.stringify({ ...signEnvelope(notificationOf(delivery)), Message: 42 })), "Message");
  });
});

describe("the topic and the time", () => {
  it("accepts only the listed topics, compared exactly", async () => {
    for (const topic of ["arn:aws:sns:us-east-1:123456789012:other", `${TOPIC}-2`, TOPIC.toUpperCase()]) {
      await expectUnauthorized(run(signEnvelope(notificationOf(delivery, { TopicArn: topic }))), "TopicArn");
    }
  });

  it(`accepts a message up to ${MAX_AGE_SECONDS} s old and 5 minutes ahead, and nothing outside`, async () => {
    const at = (offsetMs: number) => signEnvelope(notificationOf(delivery, { Timestamp: new Date(NOW.getTime() + offsetMs).toISOString() }));
    await expectVerified(run(at(-(MAX_AGE_SECONDS - 1) * 1000)));
    await expectVerified(run(at(299_000)));
    await expectUnauthorized(run(at(-(MAX_AGE_SECONDS + 1) * 1000)), "Timestamp");
    await expectUnauthorized(run(at(301_000)), "Timestamp");
    await expectUnauthorized(run(signEnvelope(notificationOf(delivery, { Timestamp: "yesterday" }))), "Timestamp");
  });
});

describe("the certificate URL", () => {
  it.each([
    ["http", "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem"],
    ["another Amazon host", "https://s3.amazonaws.com/SimpleNotificationService-abc.pem"],
    ["a look-alike host", "https://sns.us-east-1.amazonaws.com.attacker.example/SimpleNotificationService-abc.pem"],
    ["two labels for the region", "https://sns.a.b.amazonaws.com/SimpleNotificationService-abc.pem"],
    ["a port", "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-abc.pem"],
    ["credentials", "https://user:pass@sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem"],
    ["a query", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem?x=1"],
    ["another file", "https://sns.us-east-1.amazonaws.com/something.pem"],
    ["a path around the file", "https://sns.us-east-1.amazonaws.com/bucket/SimpleNotificationService-abc.pem"],
    ["not a URL", "SimpleNotificationService-abc.pem"],
  ])("refuses %s", async (_label, url) => {
    expect(certificateUrlProblem(url)).toBeTypeOf("string");
    const host = recordingHost(() => ({ ok: true, text: CERTIFICATE }));
    await expectUnauthorized(run(signEnvelope(notificationOf(delivery, { SigningCertURL: url })), { credentials: { topicArns: [TOPIC] }, host }), "SigningCertURL");
    expect(host.calls).toEqual([]);
  });

  it("accepts SNS's regional and China hosts", () => {
    expect(certificateUrlProblem(CERT_URL)).toBeUndefined();
    expect(certificateUrlProblem("https://sns.cn-northwest-1.amazonaws.com.cn/SimpleNotificationService-3242f6a3b4f3c6e4e2ec2d3ad2b2bd1d.pem")).toBeUndefined();
    expect(certificateUrlProblem("https://SNS.US-GOV-WEST-1.AMAZONAWS.COM/SimpleNotificationService-0123abc.pem")).toBeUndefined();
  });
});

describe("the certificate from the host", () => {
  const onlyTopics = { topicArns: [TOPIC] };

  it("is asked for when the credentials hold none for the URL, under the SNS policy, and its answer verifies", async () => {
    const host = recordingHost(() => ({ ok: true, text: CERTIFICATE }));
    const request = run(signEnvelope(notificationOf(delivery)), { credentials: onlyTopics, host });
    await expectVerified(request);
    expect(host.calls).toEqual([[CERT_URL, CERTIFICATE_POLICY]]);
    expect(CERTIFICATE_POLICY.allowedHosts).toEqual(["sns.*.amazonaws.com", "sns.*.amazonaws.com.cn"]);
  });

  it("verifies synchronously when the credentials hold the certificate (no host needed)", () => {
    const verdict = ses.verify({
      request: inboundRequest({ headers: { "content-type": "text/plain" }, body: JSON.stringify(signEnvelope(notificationOf(delivery))) }),
      credentials: SesCredentialsSchema.parse(CREDENTIALS),
      now: NOW,
      body: () => ({ ok: true, value: signEnvelope(notificationOf(delivery)) }),
      host: { fetchText: () => Promise.reject(new Error("must not be asked")) },
    });
    expect(verdict).toEqual({ ok: true, verified: true });
  });

  it("fails closed when the host refuses, throws, or answers with another certificate", async () => {
    const signed = signEnvelope(notificationOf(delivery));
    await expectUnauthorized(run(signed, { credentials: onlyTopics, host: recordingHost(() => ({ ok: false, reason: "refused" })) }), "SigningCertURL");
    await expectUnauthorized(run(signed, { credentials: onlyTopics, host: { fetchText: () => Promise.reject(new Error("boom")) } }), "SigningCertURL");
    await expectUnauthorized(run(signed, { credentials: onlyTopics, host: recordingHost(() => ({ ok: true, text: "not a certificate" })) }), "Signature");
    await expectUnauthorized(run(signed, { credentials: onlyTopics }), "SigningCertURL");
  });

  it("is not asked for a message refused without it (topic, time, signature, basic auth)", async () => {
    const host = recordingHost(() => ({ ok: true, text: CERTIFICATE }));
    const withBasic = { ...onlyTopics, username: "sns", password: "secret-1" };
    const { Signature: _removed, ...unsigned } = signEnvelope(notificationOf(delivery));
    await expectUnauthorized(run(signEnvelope(notificationOf(delivery, { TopicArn: "arn:aws:sns:us-east-1:123456789012:x" })), { credentials: onlyTopics, host }));
    await expectUnauthorized(run(signEnvelope(notificationOf(delivery, { Timestamp: "2020-01-01T00:00:00.000Z" })), { credentials: onlyTopics, host }));
    await expectUnauthorized(run(unsigned, { credentials: onlyTopics, host }));
    await expectUnauthorized(run(signEnvelope(notificationOf(delivery)), { credentials: withBasic, host, headers: { authorization: basicAuthHeader("sns", "wrong") } }), "authorization");
    expect(host.calls).toEqual([]);
    await expectVerified(run(signEnvelope(notificationOf(delivery)), { credentials: withBasic, host, headers: { authorization: basicAuthHeader("sns", "secret-1") } }));
    expect(host.calls).toHaveLength(1);
  });
});

describe("credentials", () => {
  it("require topicArns and check each field", () => {
    expect(SesCredentialsSchema.safeParse({}).success).toBe(false);
    expect(SesCredentialsSchema.safeParse({ topicArns: [] }).success).toBe(false);
    expect(SesCredentialsSchema.safeParse({ topicArns: ["MyTopic"] }).success).toBe(false);
    expect(SesCredentialsSchema.safeParse({ topicArns: TOPIC }).success).toBe(true);
    expect(SesCredentialsSchema.safeParse({ topicArns: [TOPIC], autoConfirm: false, username: "u", password: "p" }).success).toBe(true);
    expect(SesCredentialsSchema.safeParse({ topicArns: [TOPIC], certificates: { "https://s3.amazonaws.com/SimpleNotificationService-abc.pem": CERTIFICATE } }).success).toBe(false);
    expect(SesCredentialsSchema.safeParse({ topicArns: [TOPIC], certificates: { [CERT_URL]: "not a certificate" } }).success).toBe(false);
    const polluted = SesCredentialsSchema.parse(JSON.parse(`{"topicArns":["${TOPIC}"],"certificates":{"__proto__":{"polluted":"yes"}}}`));
    expect(Object.keys(polluted.certificates ?? {})).toEqual([]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(SesCredentialsSchema.safeParse({ topicArns: [TOPIC], region: "us-east-1" }).success).toBe(false);
  });

  it("leave the request unverified when none are configured", async () => {
    const outcome = await run(signEnvelope(notificationOf(delivery)), { credentials: undefined });
    expect(outcome).toMatchObject({ ok: true, verified: false });
  });
});
