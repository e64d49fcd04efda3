import type { EventDetails } from "@tidings/core";

/**
 * Lengths core's schemas accept (EventBodySchema, EventDetailsSchema, the result id). A provider
 * value past them would make the whole event invalid, so readers leave that value out instead;
 * `row` keeps it.
 */
export const MAX = {
  eventId: 512,
  externalId: 1024,
  response: 65_536,
  tag: 1024,
  tags: 256,
} as const;

const DETAIL_TEXT_MAX: Readonly<Partial<Record<keyof EventDetails, number>>> = {
  recipient: 1024,
  clickUrl: 8192,
  userAgent: 2048,
  ip: 64,
  mtaResponse: 65_536,
  description: 65_536,
};

export function fitting(value: string | undefined, max: number): string | undefined {
  return value !== undefined && value.length <= max ? value : undefined;
}

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
