import { WIRE_LIMITS, type EventDetails } from "@tidings/core";

export { fitting } from "@tidings/core";

/**
 * Lengths core's schemas accept (EventBodySchema, EventDetailsSchema, the result id). A provider
 * value past them would make the whole event invalid, so readers leave that value out instead;
 * `row` keeps it.
 */
export const MAX = WIRE_LIMITS;

const DETAIL_TEXT_MAX: Readonly<Partial<Record<keyof EventDetails, number>>> = {
  recipient: WIRE_LIMITS.recipient,
  clickUrl: WIRE_LIMITS.clickUrl,
  userAgent: WIRE_LIMITS.userAgent,
  ip: WIRE_LIMITS.ip,
  mtaResponse: WIRE_LIMITS.text,
  description: WIRE_LIMITS.text,
};

/** The tags when every one fits and there are not too many, else none: a partial list would misstate them. */
export function fittingTags(tags: string[] | undefined): string[] | undefined {
  return tags !== undefined && tags.length <= MAX.tags && tags.every((tag) => tag.length <= MAX.tag) ? tags : undefined;
}

/** The details with every text that is too long for the schema left out. */
export function fittingDetails(details: EventDetails): EventDetails {
  const out: Record<string, unknown> = { ...details };
  for (const [key, max] of Object.entries(DETAIL_TEXT_MAX)) {
    const value = out[key];
    if (typeof value === "string" && value.length > max!) out[key] = undefined;
  }
  return out as EventDetails;
}
