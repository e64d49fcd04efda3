import { inboundRequest, normalize, type Normalized } from "@tidings/core";
import { describe, expect, it } from "vitest";
import { mailjet } from "../src/index.js";

/** Normalizes JSON text exactly as given (big integers stay bare numbers), as an authenticated call. */
function run(body: string): Normalized {
  const outcome = normalize(mailjet, inboundRequest({ headers: { "content-type": "application/json" }, body }), { authenticated: true });
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
}

const event = (fields: string) => `{"event":${fields},"time":1430812195,"MessageID":13792286917004336,"email":"bounce@mailjet.com"}`;

describe("MessageID beyond 2^53", () => {
  it("keeps every digit of the documented open event's id", () => {
    const { results } = run(`{"event":"open","time":1433103519,"MessageID":19421777396190490}`);
    expect(results.map((r) => r.event.externalId)).toEqual(["19421777396190490"]);
    // The premise: JSON.parse alone would give another message's id.
    expect(String(JSON.parse("19421777835146491"))).not.toBe("19421777835146491");
  });

  it("keeps two ids one apart distinct in a grouped batch, and gives the events distinct ids", () => {
    const { results } = run(
      `[{"event":"sent","time":1433333949,"MessageID":19421777835146490},{"event":"sent","time":1433333949,"MessageID":19421777835146491}]`,
    );
    expect(results.map((r) => r.event.externalId)).toEqual(["19421777835146490", "19421777835146491"]);
    expect(new Set(results.map((r) => r.id)).size).toBe(2);
  });

  it("reads a MessageID within 2^53 and falls back to mj_message_id", () => {
    const { results } = run(`[{"event":"sent","time":1433333949,"MessageID":456},{"event":"sent","time":1424873938,"mj_message_id":"18858825588804172"}]`);
    expect(results.map((r) => r.event.externalId)).toEqual(["456", "18858825588804172"]);
  });
});

describe("event names", () => {
  const statusOf = (body: string) => run(body).results.map((r) => r.event.status);

  it("refines bounce by error_related_to and error, case-insensitively", () => {
    expect(statusOf(event(`"bounce","hard_bounce":true,"error_related_to":"recipient","error":"user unknown"`))).toEqual(["bounced"]);
    expect(statusOf(event(`"bounce","hard_bounce":false,"error_related_to":"recipient","error":"quota exceeded"`))).toEqual(["bounced"]);
    expect(statusOf(event(`"Bounce","hard_bounce":false,"error_related_to":"domain","error":"Greylisted"`))).toEqual(["deferred"]);
    expect(statusOf(event(`"bounce","error_related_to":"domain","error":"greylisted"`))).toEqual(["deferred"]);
    // A permanent verdict is not a retry, whatever the error says.
    expect(statusOf(event(`"bounce","hard_bounce":true,"error_related_to":"domain","error":"greylisted"`))).toEqual(["bounced"]);
    expect(statusOf(event(`"bounce","hard_bounce":false,"error_related_to":"SPAM","error":"policy issue"`))).toEqual(["blocked"]);
    expect(statusOf(event(`"bounce","error_related_to":"system","error":"system issue"`))).toEqual(["failed"]);
  });

  it("refines blocked: template and system errors are failures, the rest Mailjet's choice not to send", () => {
    expect(statusOf(event(`"blocked","error_related_to":"mailjet","error":"duplicate in campaign"`))).toEqual(["dropped"]);
    expect(statusOf(event(`"blocked","error_related_to":"spam","error":"content blocked"`))).toEqual(["dropped"]);
    expect(statusOf(event(`"blocked","error_related_to":"content","error":"bad or empty template"`))).toEqual(["failed"]);
    expect(statusOf(event(`"BLOCKED","error_related_to":"System","error":"protocol issue"`))).toEqual(["failed"]);
  });

  it("does not let a raw name reach a refined key", () => {
    const outcome = run(event(`"bounce:spam","error_related_to":"spam"`));
    expect(outcome.results).toEqual([]);
    expect(outcome.unmapped.map((u) => u.code)).toEqual(["invalid_event"]);
  });

  it("keeps an event whose time is not unix seconds as unmapped", () => {
    const outcome = run(`[{"event":"open","time":"2015-05-31T20:18:39Z"},{"event":"open","time":1433103519}]`);
    expect(outcome.results.map((r) => r.event.date)).toEqual(["2015-05-31T20:18:39.000Z"]);
    expect(outcome.unmapped.map((u) => u.code)).toEqual(["invalid_event"]);
  });
});

describe("details", () => {
  const only = (body: string) => {
    const [result] = run(body).results;
    if (result === undefined) throw new Error("no result");
    return result;
  };

  it("takes the receiving server's reply out of Mailjet's sent (...) wrapper", () => {
    const result = only(`{"event":"sent","time":1433333949,"MessageID":1,"smtp_reply":"sent (250 2.0.0 OK 1433333948 fa5si855896wjc.199 - gsmtp)"}`);
    expect(result.event.response).toBe("sent (250 2.0.0 OK 1433333948 fa5si855896wjc.199 - gsmtp)");
    expect(result.details).toMatchObject({ smtpCode: "250", enhancedStatus: "2.0.0", mtaResponse: "250 2.0.0 OK 1433333948 fa5si855896wjc.199 - gsmtp" });
  });

  it("unwraps only a word followed by a parenthesised reply, whatever the spacing and case", () => {
    const replyOf = (smtpReply: string) => only(`{"event":"sent","time":1433333949,"MessageID":1,"smtp_reply":${JSON.stringify(smtpReply)}}`).details?.mtaResponse;
    expect(replyOf(" \tSent\n( 250 OK (queued) )\u00a0\n")).toBe("250 OK (queued)");
    expect(replyOf("sent(250\nOK)")).toBe("250\nOK");
    expect(replyOf("sent ( )")).toBeUndefined();
    for (const kept of ["250 OK (queued)", "(250 OK)", "sent 250 (OK", "s3nt (250 OK)", "sent (250) OK", "été (250 OK)"]) expect(replyOf(kept)).toBe(kept);
  });

  it("gives bounces a class from hard_bounce, undetermined when Mailjet leaves it out", () => {
    const classOf = (hard: string) => only(event(`"bounce"${hard},"error_related_to":"recipient","error":"user unknown"`)).details?.bounceClass;
    expect([classOf(`,"hard_bounce":true`), classOf(`,"hard_bounce":false`), classOf("")]).toEqual(["hard", "soft", "undetermined"]);
  });

  it("reads the reject reason from Mailjet's error table, other for anything else", () => {
    const reasonOf = (name: string, related: string, error: string) =>
      only(event(`"${name}","error_related_to":"${related}","error":"${error}"`)).details?.rejectReason;
    expect(reasonOf("bounce", "domain", "Invalid Domain")).toBe("invalid");
    expect(reasonOf("blocked", "domain", "typofix")).toBe("invalid");
    expect(reasonOf("blocked", "recipient", "spam reporter")).toBe("spam");
    expect(reasonOf("blocked", "recipient", "blacklisted")).toBe("blocked");
    expect(reasonOf("bounce", "spam", "sender blocked")).toBe("blocked");
    expect(reasonOf("blocked", "mailjet", "preblocked")).toBe("bounced");
    expect(reasonOf("blocked", "mailjet", "duplicate in campaign")).toBe("other");
    expect(reasonOf("blocked", "mailjet", "constructor")).toBe("other");
  });

  it("carries CustomID and Payload as metadata and customcampaign as the tag", () => {
    const result = only(`{"event":"open","time":1433103519,"MessageID":1,"customcampaign":"spring-sale","CustomID":"PassengerEticket1234","Payload":"Eticket,1234,row,15,seat,B"}`);
    expect(result.details).toMatchObject({
      tags: ["spring-sale"],
      metadata: { CustomID: "PassengerEticket1234", Payload: "Eticket,1234,row,15,seat,B" },
    });
  });

  it("leaves out empty ids and a Payload too long for metadata, without losing the event", () => {
    const payload = "x".repeat(9000);
    const result = only(`{"event":"open","time":1433103519,"MessageID":1,"customcampaign":"","CustomID":"order-7","Payload":"${payload}"}`);
    expect(result.event.status).toBe("opened");
    expect(result.details?.metadata).toEqual({ CustomID: "order-7" });
    expect(result.details?.tags).toBeUndefined();
    expect(result.event.row).toContain(payload);
  });

  it("sets the click URL on clicks only", () => {
    expect(only(`{"event":"click","time":1,"url":"https://mailjet.com"}`).details?.clickUrl).toBe("https://mailjet.com");
    expect(only(`{"event":"open","time":1,"url":"https://mailjet.com"}`).details?.clickUrl).toBeUndefined();
  });
});
