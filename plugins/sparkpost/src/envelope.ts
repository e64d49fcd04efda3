import { field, isRecord, lower, perEvent, type JsonRecord } from "@tidings/core";
import { bounceClassOf } from "./bounce-classes.js";
import { EVENTS } from "./mapping.js";

/** What one batch item `{"msys": {<category>: {...}}}` holds. */
export type Unwrapped =
  | { readonly kind: "event"; readonly category: string; readonly event: JsonRecord }
  /** `{"msys": {}}`: the batch SparkPost posts when a webhook is created or tested. */
  | { readonly kind: "ping" }
  | undefined;

/**
 * The event inside a batch item. SparkPost puts exactly one category key (message_event,
 * track_event, gen_event, unsubscribe_event, relay_event, ab_test_event, ingest_event) under
 * `msys`; the key is read, not assumed, so a new category still yields its event. Every reader
 * starts here, so an item is unwrapped once.
 */
export const unwrap = perEvent(unwrapped);

function unwrapped(item: unknown): Unwrapped {
  const msys = field(item, "msys");
  if (!isRecord(msys)) return undefined;
  const keys = Object.keys(msys);
  if (keys.length === 0) return { kind: "ping" };
  if (keys.length !== 1) return undefined;
  const category = keys[0]!;
  const event = field(msys, category);
  return isRecord(event) ? { kind: "event", category, event } : undefined;
}

/** The event object of a batch item, or undefined for the ping and anything malformed. */
export function eventOf(item: unknown): JsonRecord | undefined {
  const unwrapped = unwrap(item);
  return unwrapped?.kind === "event" ? unwrapped.event : undefined;
}

/** Names this plugin makes up (refinements, `ping`): a payload `type` spelling one is not SparkPost's. */
const MADE_UP: ReadonlySet<string> = new Set(EVENTS.filter((name) => name.includes(":") || name === "ping"));

/** Events whose `bounce_class` decides what happened (see MAPPING). */
const CLASSIFIED = new Set(["bounce", "out_of_band"]);

/** The mapping key of a batch item, worked out once per item as `unwrap` is. */
export const eventName = perEvent(nameOf);

/** Its `type`, refined where one type covers several outcomes. */
function nameOf(item: unknown): string | undefined {
  const unwrapped = unwrap(item);
  if (unwrapped === undefined) return undefined;
  if (unwrapped.kind === "ping") return "ping";
  const { category, event } = unwrapped;
  const type = lower(field(event, "type"));
  if (type === undefined || type === "") return undefined;
  if (MADE_UP.has(type)) return `${category}/${type}`;
  if (category === "ingest_event") return `ingest:${type}`;
  if (CLASSIFIED.has(type)) {
    const refinement = bounceClassOf(field(event, "bounce_class"))?.refinement;
    if (refinement !== undefined) return `${type}:${refinement}`;
  }
  return type;
}
