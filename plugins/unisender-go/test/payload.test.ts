import { rowHash, inboundRequest, normalize } from "@tidings/core";
import { describe, expect, it } from "vitest";
import { DELIVERY_STATUS_REASONS, EVENTS, MAPPING, REFINING_DELIVERY_STATUSES, unisenderGo } from "../src/index.js";
import { NOW, batched, statusEvent } from "./requests.js";

const DATA = { job_id: "1a3Q2V-0000OZ-S0", email: "recipient.email@example.com", event_time: "2015-11-30 15:09:42" };

/** Unverified runs: these tests are about reading, the auth field has its own. */
const run = (body: unknown) => normalize(unisenderGo, inboundRequest({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), { now: NOW });

function only(body: unknown) {
  const outcome = run(body);
  if (!outcome.ok) throw new Error(outcome.error.message);
  expect(outcome.results).toHaveLength(1);
  return outcome.results[0]!;
}

describe("layouts", () => {
  it("reads every event of a batch, across users", () => {
    const body = {
      auth: "0123456789abcdef0123456789abcdef",
      events_by_user: [
        { user_id: 1, events: [statusEvent({ ...DATA, status: "sent" }), statusEvent({ ...DATA, status: "delivered" })] },
        { user_id: 2, events: [statusEvent({ ...DATA, status: "opened" })] },
      ],
    };
    const outcome = run(body);
    expect(outcome).toMatchObject({ ok: true, results: [{ event: { status: "queued" } }, { event: { status: "delivered" } }, { event: { status: "opened" } }] });
  });

  it("keeps the auth field out of a single event, its row and its id, as a batched event has none", () => {
    const event = { event_name: "transactional_email_status", user_id: 456, ...DATA, status: "delivered" };
    const first = only({ auth: "0123456789abcdef0123456789abcdef", ...event });
    const again = only({ ...event, auth: "fedcba9876543210fedcba9876543210" });
    expect(first.id).toBe(rowHash(JSON.stringify(event)));
    expect(again.id).toBe(first.id);
    expect(first.event.row).toBe(JSON.stringify(event));
  });

  it("reports what is not an event instead of dropping it", () => {
    expect(run({ events_by_user: "none" })).toMatchObject({ ok: true, results: [], unmapped: [{ code: "invalid_event" }] });
    expect(run({ events_by_user: [{ user_id: 1 }, 7] })).toMatchObject({ ok: true, results: [], unmapped: [{ code: "invalid_event" }, { code: "invalid_event" }] });
    expect(run({ ...DATA, status: "delivered" })).toMatchObject({ ok: true, unmapped: [{ code: "invalid_event" }] });
    expect(run(batched([statusEvent({ ...DATA })]))).toMatchObject({ ok: true, unmapped: [{ code: "invalid_event" }] });
  });
});

describe("names", () => {
  it("refines hard_bounced by exactly the delivery statuses its table lists", () => {
    for (const code of REFINING_DELIVERY_STATUSES) {
      const name = `hard_bounced:${code}` as (typeof EVENTS)[number];
      expect(EVENTS).toContain(name);
      expect(only(batched([statusEvent({ ...DATA, status: "hard_bounced", delivery_info: { delivery_status: code } })])).event.status).toBe(MAPPING[name]);
    }
    for (const code of [...DELIVERY_STATUS_REASONS.keys()].filter((c) => !REFINING_DELIVERY_STATUSES.has(c))) {
      expect(only(batched([statusEvent({ ...DATA, status: "hard_bounced", delivery_info: { delivery_status: code } })])).event.status).toBe("bounced");
    }
  });

  it("compares names and statuses case-insensitively", () => {
    const event = { event_name: "Transactional_Email_Status", event_data: { ...DATA, status: "HARD_BOUNCED", delivery_info: { delivery_status: "ERR_BLACKLISTED" } } };
    expect(only(batched([event]))).toMatchObject({ event: { status: "blocked" }, details: { rejectReason: "blocked", description: "err_blacklisted" } });
  });

  it("leaves a soft bounce deferred whatever its delivery status", () => {
    for (const code of ["err_will_retry", "err_lost", "err_unsubscribed"]) {
      expect(only(batched([statusEvent({ ...DATA, status: "soft_bounced", delivery_info: { delivery_status: code } })]))).toMatchObject({
        event: { status: "deferred" },
        details: { bounceClass: "soft", description: code },
      });
    }
  });

  it("ignores spam block notices and resubscriptions, and reports unknown names", () => {
    const spamBlock = { event_name: "transactional_spam_block", event_data: { block_time: "2015-11-30 15:09:42", block_type: "one_smtp", domain: "example.com", SMTP_blocks_count: 8, domain_status: "blocked" } };
    const outcome = run(batched([spamBlock, statusEvent({ ...DATA, status: "subscribed" }), { event_name: "transactional_sms_status", event_data: DATA }]));
    expect(outcome).toMatchObject({
      ok: true,
      results: [],
      ignored: [{ name: "transactional_spam_block" }, { name: "subscribed" }],
      unmapped: [{ code: "unknown_event", name: "transactional_sms_status" }],
    });
  });
});

describe("readers", () => {
  it("reads event_time as UTC, and an explicit zone when one is written", () => {
    expect(only(batched([statusEvent({ ...DATA, status: "delivered" })])).event.date).toBe("2015-11-30T15:09:42.000Z");
    expect(only(batched([statusEvent({ ...DATA, event_time: "2015-11-30T15:09:42+03:00", status: "delivered" })])).event.date).toBe("2015-11-30T12:09:42.000Z");
    expect(run(batched([statusEvent({ ...DATA, event_time: "YYYY-MM-DD HH:MM:SS", status: "delivered" })]))).toMatchObject({ unmapped: [{ code: "invalid_event" }] });
  });

  it("gives a hard bounce its class and reason only when it carries them", () => {
    const bounce = (deliveryInfo?: object) => only(batched([statusEvent({ ...DATA, status: "hard_bounced", ...(deliveryInfo && { delivery_info: deliveryInfo }) })]));
    expect(bounce().details).toEqual({ recipient: DATA.email, bounceClass: "hard" });
    expect(bounce({ delivery_status: "err_mailbox_full" }).details).toMatchObject({ bounceClass: "hard", rejectReason: "bounced" });
    expect(bounce({ delivery_status: "err_something_new" }).details).toMatchObject({ bounceClass: "hard", rejectReason: "other", description: "err_something_new" });
    expect(bounce({ delivery_status: "err_lost" })).toMatchObject({ event: { status: "failed" }, details: { rejectReason: "other" } });
    expect(bounce({ delivery_status: "err_lost" }).details?.bounceClass).toBeUndefined();
  });

  it("takes the SMTP codes from the receiving server's reply", () => {
    const result = only(batched([statusEvent({ ...DATA, status: "hard_bounced", delivery_info: { delivery_status: "err_user_unknown", destination_response: "555 5.7.1 User unknown" } })]));
    expect(result.event.response).toBe("555 5.7.1 User unknown; err_user_unknown");
    expect(result.details).toMatchObject({ smtpCode: "555", enhancedStatus: "5.7.1", mtaResponse: "555 5.7.1 User unknown", rejectReason: "invalid" });
  });

  it("puts the link, user agent and IP only on the events that have them", () => {
    const engagement = { url: "http://some.url.com", delivery_info: { user_agent: "Mozilla/5.0", ip: "111.111.111.111" } };
    expect(only(batched([statusEvent({ ...DATA, status: "clicked", ...engagement })]))).toMatchObject({
      event: { response: "http://some.url.com" },
      details: { clickUrl: "http://some.url.com", userAgent: "Mozilla/5.0", ip: "111.111.111.111" },
    });
    const opened = only(batched([statusEvent({ ...DATA, status: "opened", ...engagement })]));
    expect(opened.details).toMatchObject({ userAgent: "Mozilla/5.0", ip: "111.111.111.111" });
    expect(opened.details?.clickUrl).toBeUndefined();
    const delivered = only(batched([statusEvent({ ...DATA, status: "delivered", ...engagement })]));
    expect(delivered.details).toEqual({ recipient: DATA.email });
    expect(delivered.event).not.toHaveProperty("response");
  });

  it("writes metadata values as text, prototype keys included as plain keys", () => {
    const metadata = JSON.parse('{"order":42,"vip":true,"nested":{"a":1},"__proto__":"x"}') as Record<string, unknown>;
    const result = only(batched([statusEvent({ ...DATA, status: "delivered", metadata })]));
    expect(result.details?.metadata).toEqual(JSON.parse('{"order":"42","vip":"true","nested":"{\\"a\\":1}","__proto__":"x"}'));
    expect(Object.getPrototypeOf(result.details?.metadata)).toBe(Object.prototype);
  });
});
