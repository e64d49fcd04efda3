/**
 * Lengths core's schemas accept (EventBodySchema, EventDetailsSchema). A provider value past them
 * would make the whole event invalid, so the reader leaves it out instead; `row` keeps it.
 */
export const MAX = {
  response: 65_536,
  recipient: 1024,
  tag: 1024,
  tags: 256,
  metadataKey: 256,
  metadataValue: 8192,
  clickUrl: 8192,
  userAgent: 2048,
  ip: 64,
  reason: 65_536,
} as const;

export function fitting(value: string | undefined, max: number): string | undefined {
  return value !== undefined && value.length <= max ? value : undefined;
}
