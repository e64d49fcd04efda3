import { engineError } from "../errors.js";
import type { VerifyResult } from "../plugin.js";

/** The one failure every verification block returns: the host answers it with 401. */
export function unauthorized(message: string, location?: string): VerifyResult {
  return { ok: false, error: engineError("unauthorized", message, location) };
}

/** Shared, frozen: a verified verdict carries nothing that differs between requests. */
export const VERIFIED: VerifyResult = Object.freeze({ ok: true, verified: true });

export function notConfigured(reason: string): VerifyResult {
  return { ok: true, verified: false, reason };
}
