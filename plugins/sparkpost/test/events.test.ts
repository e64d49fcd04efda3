import { inboundRequest, normalize, type Normalized } from "@tidings/core";
import { describe, expect, it } from "vitest";
import { sparkpost } from "../src/index.js";

const CONTEXT = { headers: {}, receivedAt: new Date(0) };
const nameOf = (item: unknown) => sparkpost.eventName(item, CONTEXT);
const wrap = (category: string, event: Record<string, unknown>) => ({ msys: { [category]: event } });

function run(items: readonly unknown[] | string): Normalized {
  const body = typeof items === "string" ? items : JSON.stringify(items);
  const outcome = normalize(sparkpost, inboundRequest({ headers: { "content-type": "application/json" }, body }));
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
}

/** One message event of `type`, with a timestamp, mapped alone. */
function one(type: string, fields: Record<string, unknown> = {}, category = "message_event"): Normalized {
  return run([wrap(category, { type, event_id: "1", message_id: "m-1", timestamp: "1460989507", ...fields })]);
}

describe("sparkpost batches", () => {
  it("names the empty wrapper of the creation ping `ping`, and ignores it", () => {
    expect(nameOf({ msys: {} })).toBe("ping");
    const outcome = run([{ msys: {} }]);
    expect(outcome.results).toEqual([]);
    expect(outcome.unmapped).toEqual([]);
    expect(outcome.ignored).toMatchObject([{ name: "ping" }]);
  });

  it("reads the one category under msys, whatever it is called", () => {
    expect(nameOf(wrap("message_event", { type: "delivery" }))).toBe("delivery");
    expect(nameOf(wrap("a_future_event", { type: "delivery" }))).toBe("delivery");
    expect(nameOf(wrap("track_event", { type: "AMP_Click" }))).toBe("amp_click");
  });

  it("names nothing that is not a single-category wrapper holding an object with a type", () => {
    for (const item of [null, 1, "msys", [], {}, { msys: [] }, { msys: "x" }, { msys: { message_event: "delivery" } }, { msys: { message_event: {} } },
      { msys: { message_event: { type: "" } } }, { msys: { message_event: { type: "delivery" }, track_event: { type: "open" } } }]) {
      expect(nameOf(item)).toBeUndefined();
    }
  });

  it("names ingest results by their category, since their types are the generic success and error", () => {
    expect(nameOf(wrap("ingest_event", { type: "success" }))).toBe("ingest:success");
    expect(nameOf(wrap("ingest_event", { type: "Error" }))).toBe("ingest:error");
    expect(nameOf(wrap("message_event", { type: "success" }))).toBe("success");
  });

  it("does not let a payload type spell one of the plugin's own names", () => {
    expect(nameOf(wrap("message_event", { type: "bounce:block" }))).toBe("message_event/bounce:block");
    expect(nameOf(wrap("message_event", { type: "ping" }))).toBe("message_event/ping");
    expect(nameOf(wrap("ingest_event", { type: "ingest:success" }))).toBe("ingest_event/ingest:success");
  });

  it("keeps each item's own JSON text as its row", () => {
    const text = '[ {"msys": {}},\n {"msys":{"message_event":{"type":"delivery","event_id":"7","timestamp":"1460989507"}}} ]';
    const outcome = run(text);
    expect(outcome.ignored[0]!.row).toBe('{"msys": {}}');
    expect(outcome.results[0]!.event.row).toBe('{"msys":{"message_event":{"type":"delivery","event_id":"7","timestamp":"1460989507"}}}');
  });

  it("accepts a lone wrapper outside an array", () => {
    const outcome = run(JSON.stringify(wrap("message_event", { type: "delivery", timestamp: "1460989507" })));
    expect(outcome.results).toMatchObject([{ event: { status: "delivered" } }]);
  });
});

describe("sparkpost bounce classes", () => {
  // The classification table of support.sparkpost.com/docs/deliverability/bounce-classification-codes,
  // as outcomes: [code, name of a bounce, status, bounceClass, rejectReason].
  const TABLE: [string, string, string | undefined, string | undefined, string | undefined][] = [
    ["1", "bounce", "bounced", "undetermined", "other"],
    ["10", "bounce", "bounced", "hard", "invalid"],
    ["20", "bounce", "bounced", "soft", "bounced"],
    ["21", "bounce", "bounced", "soft", "bounced"],
    ["22", "bounce", "bounced", "soft", "bounced"],
    ["23", "bounce", "bounced", "soft", "bounced"],
    ["24", "bounce", "bounced", "soft", "timed_out"],
    ["25", "bounce:admin", "dropped", undefined, "blocked"],
    ["30", "bounce", "bounced", "hard", "bounced"],
    ["40", "bounce", "bounced", "soft", "bounced"],
    ["50", "bounce:block", "blocked", "soft", "blocked"],
    ["51", "bounce:block", "blocked", "soft", "spam"],
    ["52", "bounce:block", "blocked", "soft", "spam"],
    ["53", "bounce:block", "blocked", "soft", "blocked"],
    ["54", "bounce:block", "blocked", "soft", "blocked"],
    ["60", "bounce:auto_reply", undefined, undefined, undefined],
    ["70", "bounce", "bounced", "soft", "bounced"],
    ["80", "bounce:subscribe", undefined, undefined, undefined],
    ["90", "bounce:unsubscribe", "unsubscribed", undefined, undefined],
    ["100", "bounce:auto_reply", undefined, undefined, undefined],
    ["77", "bounce", "bounced", "undetermined", "other"],
  ];

  it.each(TABLE)("class %s of a bounce is %s", (code, name, status, bounceClass, rejectReason) => {
    expect(nameOf(wrap("message_event", { type: "bounce", bounce_class: code }))).toBe(name);
    expect(nameOf(wrap("message_event", { type: "out_of_band", bounce_class: Number(code) }))).toBe(name.replace("bounce", "out_of_band"));
    const outcome = one("bounce", { bounce_class: code });
    if (status === undefined) {
      expect(outcome.results).toEqual([]);
      expect(outcome.ignored).toHaveLength(1);
    } else {
      expect(outcome.results[0]!.event.status).toBe(status);
      expect(outcome.results[0]!.details?.bounceClass).toBe(bounceClass);
      expect(outcome.results[0]!.details?.rejectReason).toBe(rejectReason);
    }
  });

  it("a bounce without a class is a bounce of no known class", () => {
    const outcome = one("bounce");
    expect(outcome.results[0]!.event.status).toBe("bounced");
    expect(outcome.results[0]!.details?.bounceClass).toBeUndefined();
  });

  it("a delay is deferred whatever its class, with the class's category", () => {
    for (const [code, bounceClass] of [["21", "soft"], ["51", "soft"], ["10", "hard"], ["1", "undetermined"], ["25", undefined]] as const) {
      expect(nameOf(wrap("message_event", { type: "delay", bounce_class: code }))).toBe("delay");
      const result = one("delay", { bounce_class: code }).results[0]!;
      expect(result.event.status).toBe("deferred");
      expect(result.details?.bounceClass).toBe(bounceClass);
      // Not a final failure: the message may still be delivered.
      expect(result.details?.rejectReason).toBeUndefined();
    }
  });

  it("a class on a rejection gives the reason, never a bounce class", () => {
    const policy = one("policy_rejection", { bounce_class: "10" }).results[0]!;
    expect(policy.event.status).toBe("rejected");
    expect(policy.details).toMatchObject({ rejectReason: "invalid" });
    expect(policy.details?.bounceClass).toBeUndefined();
    const suppressed = one("generation_rejection", { bounce_class: "90" }, "gen_event").results[0]!;
    expect(suppressed.event.status).toBe("dropped");
    expect(suppressed.details?.rejectReason).toBe("unsubscribed");
  });
});

describe("sparkpost details", () => {
  it("reads the receiving server's reply only on bounces, out-of-band bounces and delays", () => {
    const reply = "550 5.1.1 <nobody@example.com>: Recipient address rejected";
    for (const type of ["bounce", "out_of_band", "delay"]) {
      expect(one(type, { raw_reason: reply, error_code: "554" }).results[0]!.details).toMatchObject({ smtpCode: "550", enhancedStatus: "5.1.1", mtaResponse: reply });
    }
    // SparkPost's own refusal is no receiving server's reply.
    const policy = one("policy_rejection", { raw_reason: reply, reason: reply, error_code: "554" }).results[0]!;
    expect(policy.details).toMatchObject({ description: reply });
    expect(policy.details?.smtpCode).toBeUndefined();
    expect(policy.details?.mtaResponse).toBeUndefined();
    expect(policy.event.response).toBe(reply);
  });

  it("falls back to error_code when the reply does not start with a code", () => {
    const details = one("bounce", { raw_reason: "MAIL REFUSED - IP (17.99.99.99) is in black list", error_code: "554" }).results[0]!.details;
    expect(details).toMatchObject({ smtpCode: "554" });
    expect(details?.enhancedStatus).toBeUndefined();
    expect(one("bounce", { error_code: "5xx" }).results[0]!.details?.smtpCode).toBeUndefined();
  });

  it("reads the client's IP and user agent on engagement events only", () => {
    const client = { ip_address: "66.102.6.159", user_agent: "Mozilla/5.0" };
    for (const type of ["open", "initial_open", "amp_open", "amp_initial_open", "click", "amp_click", "link_unsubscribe"]) {
      expect(one(type, client, "track_event").results[0]!.details).toMatchObject({ ip: "66.102.6.159", userAgent: "Mozilla/5.0" });
    }
    // On a delivery, ip_address is the receiving server's.
    const delivery = one("delivery", client).results[0]!.details;
    expect(delivery?.ip).toBeUndefined();
    expect(delivery?.userAgent).toBeUndefined();
  });

  it("gives the click URL to clicks only", () => {
    const link = { target_link_url: "https://example.com/offer" };
    expect(one("click", link, "track_event").results[0]).toMatchObject({ event: { response: "https://example.com/offer" }, details: { clickUrl: "https://example.com/offer" } });
    expect(one("amp_click", link, "track_event").results[0]!.details?.clickUrl).toBe("https://example.com/offer");
    expect(one("link_unsubscribe", link, "unsubscribe_event").results[0]!.details?.clickUrl).toBeUndefined();
  });

  it("reads recipient, tags and metadata from rcpt_to, rcpt_tags and rcpt_meta", () => {
    const details = one("delivery", { rcpt_to: "a@example.com", raw_rcpt_to: "A@Example.com", rcpt_tags: ["x", "", 7], rcpt_meta: { plan: "gold", seats: 3, nested: { a: 1 }, gone: null } }).results[0]!.details;
    expect(details).toMatchObject({ recipient: "a@example.com", tags: ["x", "7"], metadata: { plan: "gold", seats: "3", nested: '{"a":1}' } });
    expect(one("delivery", { raw_rcpt_to: "A@Example.com" }).results[0]!.details?.recipient).toBe("A@Example.com");
  });

  it("keeps a payload key __proto__ in metadata as a key, without touching any prototype", () => {
    const outcome = run('[{"msys":{"message_event":{"type":"delivery","timestamp":"1460989507","rcpt_meta":{"__proto__":{"polluted":"yes"},"plan":"gold"}}}}]');
    const metadata = outcome.results[0]!.details!.metadata!;
    expect(Object.hasOwn(metadata, "__proto__")).toBe(true);
    expect(metadata["plan"]).toBe("gold");
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("leaves out values beyond the details bounds instead of losing the event", () => {
    const long = "x".repeat(70_000);
    const outcome = one("click", {
      ip_address: "1".repeat(65),
      user_agent: long,
      target_link_url: `https://example.com/${long}`,
      rcpt_to: `${"a".repeat(1100)}@example.com`,
      rcpt_tags: ["kept", "t".repeat(1025)],
      rcpt_meta: { ["k".repeat(257)]: "v", kept: "v", big: long },
    }, "track_event");
    expect(outcome.unmapped).toEqual([]);
    const result = outcome.results[0]!;
    expect(result.event.status).toBe("clicked");
    expect(result.event.response).toBeUndefined();
    expect(result.details).toEqual({ tags: ["kept"], metadata: { kept: "v" } });
  });

  it("counts attempts on delivery attempts only: the failed retries plus this one", () => {
    expect(one("delivery", { num_retries: "0" }).results[0]!.event.attempts).toBe(1);
    expect(one("bounce", { num_retries: 2 }).results[0]!.event.attempts).toBe(3);
    expect(one("delay", { num_retries: "3" }).results[0]!.event.attempts).toBe(4);
    expect(one("open", { num_retries: "2" }, "track_event").results[0]!.event.attempts).toBeUndefined();
    expect(one("delivery", { num_retries: "-1" }).results[0]!.event.attempts).toBeUndefined();
  });
});

describe("sparkpost dates", () => {
  it.each([
    ["epoch seconds as text", "1460989507", "2016-04-18T14:25:07.000Z"],
    ["epoch seconds as a number", 1460989507, "2016-04-18T14:25:07.000Z"],
    ["epoch seconds with milliseconds", "1416500167.241", "2014-11-20T16:16:07.241Z"],
    ["ISO 8601 with an offset", "2016-01-20T15:17:53.000+00:00", "2016-01-20T15:17:53.000Z"],
    ["ISO 8601 in another zone", "2016-01-20T10:17:53-05:00", "2016-01-20T15:17:53.000Z"],
  ])("reads %s", (_, timestamp, date) => {
    expect(one("delivery", { timestamp }).results[0]!.event.date).toBe(date);
  });

  it("keeps an event without a usable time as unmapped, never dated at receipt", () => {
    for (const timestamp of [undefined, "", "yesterday", {}, true]) {
      const outcome = one("delivery", { timestamp });
      expect(outcome.results).toEqual([]);
      expect(outcome.unmapped).toMatchObject([{ code: "invalid_event", name: "delivery" }]);
    }
  });

  it("uses the event's own id, the same on every re-delivery", () => {
    expect(one("delivery", { event_id: "92356927693813856" }).results[0]!.id).toBe("92356927693813856");
    expect(one("delivery", { message_id: "000443ee14578172be22" }).results[0]!.event.externalId).toBe("000443ee14578172be22");
  });
});
