import { createHmac, timingSafeEqual } from "node:crypto";
import type { EnvironmentConfig } from "../config/schema.js";

/** A console session lasts this long from sign-in. */
export const SESSION_TTL_MS = 12 * 3_600_000;
export const SESSION_COOKIE = "tidings_console";

/**
 * What the session cookie holds (the cookie plugin signs it): the environment, the expiry, and a
 * tag of the API key that signed in, so that removing that key from the config ends its sessions.
 */
export interface SessionClaims {
  readonly environmentId: string;
  readonly expiresAt: number;
  readonly keyTag: string;
}

export class SessionCodec {
  constructor(private readonly secret: string) {}

  /** The tag of an API key: an HMAC under the session secret, so the cookie does not carry a plain hash of the key. */
  keyTag(apiKey: string): string {
    return createHmac("sha256", this.secret).update("console-key\u0000").update(apiKey).digest("base64url").slice(0, 22);
  }

  encode(claims: SessionClaims): string {
    return Buffer.from(JSON.stringify([claims.environmentId, claims.expiresAt, claims.keyTag])).toString("base64url");
  }

  /**
   * The environment a (signature-checked) cookie value grants, when it has not expired and the key
   * that signed in is still one of that environment's; undefined otherwise.
   */
  verify(value: string, environments: ReadonlyMap<string, EnvironmentConfig>, now: number): SessionClaims | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
    const [environmentId, expiresAt, keyTag] = parsed as unknown[];
    if (typeof environmentId !== "string" || typeof expiresAt !== "number" || typeof keyTag !== "string") return undefined;
    if (expiresAt <= now) return undefined;
    const environment = environments.get(environmentId);
    if (environment === undefined) return undefined;
    const wanted = Buffer.from(keyTag);
    const current = environment.apiKeys.some((key) => {
      const tag = Buffer.from(this.keyTag(key));
      return tag.length === wanted.length && timingSafeEqual(tag, wanted);
    });
    return current ? { environmentId, expiresAt, keyTag } : undefined;
  }
}
