import { hash } from "node:crypto";
import stableStringify from "fast-json-stable-stringify";

/** Derives a result id from a raw event that carries no provider event id. */
export type EventHasher = (raw: unknown) => string;

/**
 * sha256 over the key-order-independent serialization, so a provider re-sending the same event
 * with its keys in another order still gets the same id.
 */
export const contentHash: EventHasher = (raw) =>
  `sha256-${hash("sha256", stableStringify(raw), "base64url")}`;
