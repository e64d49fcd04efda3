import { isRecord, perEvent, withMetadata } from "@tidings/core";

/**
 * Fields SendGrid itself writes into an event (Event Webhook reference); every other top-level
 * field is one of the sender's custom_args (formerly unique_args), which SendGrid flattens in.
 */
const SENDGRID_FIELDS: ReadonlySet<string> = new Set([
  "email", "timestamp", "smtp-id", "event", "category", "sg_event_id", "sg_message_id", "response", "attempt", "useragent", "ip",
  "url", "url_offset", "reason", "status", "type", "bounce_classification", "asm_group_id", "tls", "cert_err", "pool",
  "marketing_campaign_id", "marketing_campaign_name", "marketing_campaign_version", "marketing_campaign_split_id", "sg_machine_open",
  "send_at", "sg_template_id", "sg_template_name", "singlesend_id", "singlesend_name", "template_id", "template_version_id",
  "template_hash", "mc_stats", "phase_id", "variation_id", "newsletter", "post_type", "sg_content_type", "sg_user_id", "unique_args",
  "custom_args", "tenant",
]);

/** The fields of one event the readers use, each the raw value (or undefined), and its custom args. */
export interface EventView {
  readonly email: unknown;
  readonly timestamp: unknown;
  readonly smtpId: unknown;
  readonly event: unknown;
  readonly category: unknown;
  readonly sgEventId: unknown;
  readonly sgMessageId: unknown;
  readonly response: unknown;
  readonly attempt: unknown;
  readonly useragent: unknown;
  readonly ip: unknown;
  readonly url: unknown;
  readonly reason: unknown;
  readonly status: unknown;
  readonly type: unknown;
  readonly bounceClassification: unknown;
  /** Custom args as text: top-level ones first, then `unique_args`, then `custom_args`. */
  readonly metadata: Record<string, string> | undefined;
}

const EMPTY: EventView = viewFrom({});

/**
 * The event's view, read in one pass over its own keys: the engine calls seven readers per event
 * and each would otherwise look its fields up again.
 */
export const viewOf = perEvent((raw): EventView => (isRecord(raw) ? viewFrom(raw) : EMPTY));

function viewFrom(raw: Record<string, unknown>): EventView {
  const view = {
    email: undefined as unknown,
    timestamp: undefined as unknown,
    smtpId: undefined as unknown,
    event: undefined as unknown,
    category: undefined as unknown,
    sgEventId: undefined as unknown,
    sgMessageId: undefined as unknown,
    response: undefined as unknown,
    attempt: undefined as unknown,
    useragent: undefined as unknown,
    ip: undefined as unknown,
    url: undefined as unknown,
    reason: undefined as unknown,
    status: undefined as unknown,
    type: undefined as unknown,
    bounceClassification: undefined as unknown,
    metadata: undefined as Record<string, string> | undefined,
  };
  let unique: unknown;
  let custom: unknown;
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    switch (key) {
      case "email": view.email = value; break;
      case "timestamp": view.timestamp = value; break;
      case "smtp-id": view.smtpId = value; break;
      case "event": view.event = value; break;
      case "category": view.category = value; break;
      case "sg_event_id": view.sgEventId = value; break;
      case "sg_message_id": view.sgMessageId = value; break;
      case "response": view.response = value; break;
      case "attempt": view.attempt = value; break;
      case "useragent": view.useragent = value; break;
      case "ip": view.ip = value; break;
      case "url": view.url = value; break;
      case "reason": view.reason = value; break;
      case "status": view.status = value; break;
      case "type": view.type = value; break;
      case "bounce_classification": view.bounceClassification = value; break;
      case "unique_args": unique = value; break;
      case "custom_args": custom = value; break;
      default:
        if (!SENDGRID_FIELDS.has(key)) view.metadata = withMetadata(view.metadata, key, value);
    }
  }
  if (isRecord(unique)) for (const key of Object.keys(unique)) view.metadata = withMetadata(view.metadata, key, unique[key]);
  if (isRecord(custom)) for (const key of Object.keys(custom)) view.metadata = withMetadata(view.metadata, key, custom[key]);
  return view;
}
