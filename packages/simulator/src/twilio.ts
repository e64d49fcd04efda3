import { createHmac } from "node:crypto";
import type { Random } from "./random.js";
import { basicAuth, type SimulatedRequest } from "./request.js";

export interface TwilioTrafficOptions {
  /** The status callback URL as Twilio calls it (query string included): the signature covers it. */
  readonly url: string;
  /** The Auth Token to sign with; without one the callbacks carry no X-Twilio-Signature. */
  readonly signingKey?: string;
  /** Basic auth written into the callback URL. */
  readonly auth?: { readonly username: string; readonly password: string };
  readonly headers?: Readonly<Record<string, string>>;
  readonly now?: () => Date;
  /** Messages in flight at once, whose callbacks interleave (default 8). */
  readonly inFlight?: number;
}

interface Step {
  readonly status: "queued" | "sent" | "delivered" | "undelivered" | "failed";
  readonly errorCode?: string;
}

interface Message {
  readonly sid: string;
  readonly to: string;
  readonly steps: readonly Step[];
  next: number;
}

/** Carrier verdicts on undelivered messages, and Twilio's reasons for not sending at all. */
const UNDELIVERED_CODES = ["30003", "30005", "30006", "30007", "30008"];
const FAILED_CODES = ["30001", "30007", "30034", "21610"];

/**
 * A message sent through a Messaging Service: created `accepted` (Twilio sends no callback for
 * the initial status), then queued, then sent and delivered or undelivered, or failed without
 * ever leaving Twilio.
 */
function lifecycle(random: Random): Step[] {
  const roll = random.next();
  if (roll < 0.06) return [{ status: "queued" }, { status: "failed", errorCode: random.pick(FAILED_CODES) }];
  if (roll < 0.18) return [{ status: "queued" }, { status: "sent" }, { status: "undelivered", errorCode: random.pick(UNDELIVERED_CODES) }];
  return [{ status: "queued" }, { status: "sent" }, { status: "delivered" }];
}

/** YYMMDDhhmm, as carriers' receipts write their Done Date (UTC here). */
function doneDate(date: Date): string {
  return date.toISOString().slice(2, 16).replace(/[-T:]/g, "");
}

/**
 * X-Twilio-Signature as twilio-node's getExpectedTwilioSignature computes it: base64 HMAC-SHA1
 * of the URL followed by each parameter's name and value, sorted by name (a repeated name's
 * values sorted and de-duplicated).
 */
export function twilioSignature(authToken: string, url: string, params: readonly (readonly [string, string])[]): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) byName.set(name, (byName.get(name) ?? new Set()).add(value));
  let data = url;
  for (const name of [...byName.keys()].sort()) for (const value of [...byName.get(name)!].sort()) data += name + value;
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

/**
 * Twilio Messaging status callbacks for messages in flight: each message's callbacks in
 * lifecycle order, several messages interleaved, form-encoded in the order Twilio writes them.
 */
export function twilioTraffic(options: TwilioTrafficOptions, random: Random): () => SimulatedRequest {
  const now = options.now ?? (() => new Date());
  const account = `AC${random.hex(32)}`;
  const service = `MG${random.hex(32)}`;
  const from = `+1415555${String(random.int(0, 9999)).padStart(4, "0")}`;
  const newMessage = (): Message => ({ sid: `SM${random.hex(32)}`, to: `+1555${String(random.int(0, 9_999_999)).padStart(7, "0")}`, steps: lifecycle(random), next: 0 });
  const active = Array.from({ length: Math.max(1, options.inFlight ?? 8) }, newMessage);
  return () => {
    const slot = random.int(0, active.length - 1);
    const message = active[slot]!;
    const step = message.steps[message.next++]!;
    if (message.next === message.steps.length) active[slot] = newMessage();
    const params: [string, string][] = [];
    if (step.status === "delivered" || step.status === "undelivered") params.push(["RawDlrDoneDate", doneDate(now())]);
    if (step.errorCode !== undefined) params.push(["ErrorCode", step.errorCode]);
    params.push(
      ["SmsSid", message.sid],
      ["SmsStatus", step.status],
      ["MessageStatus", step.status],
      ["To", message.to],
      ["MessagingServiceSid", service],
      ["MessageSid", message.sid],
      ["AccountSid", account],
      ["From", from],
      ["ApiVersion", "2010-04-01"],
    );
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": "TwilioProxy/1.1",
      "i-twilio-idempotency-token": random.uuid(),
      ...options.headers,
    };
    if (options.signingKey !== undefined) headers["x-twilio-signature"] = twilioSignature(options.signingKey, options.url, params);
    if (options.auth !== undefined) headers.authorization = basicAuth(options.auth.username, options.auth.password);
    return { contentType: "application/x-www-form-urlencoded", body: new URLSearchParams(params).toString(), headers, events: 1, duplicate: false };
  };
}
