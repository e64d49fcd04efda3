import type { EventDetails } from "@tidings/core";
import { CURRENT } from "./current.js";
import { isLegacy } from "./fields.js";
import { LEGACY } from "./legacy.js";

/** How one generation of Mailgun webhooks names and reads its events. */
export interface Generation {
  eventName(raw: unknown): string | undefined;
  date(raw: unknown): number | undefined;
  externalId(raw: unknown): string | undefined;
  attempts(raw: unknown): number | undefined;
  response(raw: unknown): string | undefined;
  eventId(raw: unknown): string | undefined;
  details(raw: unknown): EventDetails;
}

export function generationOf(raw: unknown): Generation {
  return isLegacy(raw) ? LEGACY : CURRENT;
}
