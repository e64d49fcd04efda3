import { hash, timingSafeEqual } from "node:crypto";

/** sha256 of each secret of a list, computed once per list. */
const digestsByList = new WeakMap<readonly string[], Buffer[]>();

/**
 * True when `presented` is one of `secrets` (API keys, "username:password" pairs). sha256 digests
 * are compared rather than the strings, so the time depends neither on the lengths nor on where a
 * guess first differs, and every secret is checked (no early exit). The list's digests are kept
 * for as long as the list is: pass the same array (the configured one) each time.
 */
export function matchesSecret(presented: string, secrets: readonly string[]): boolean {
  let digests = digestsByList.get(secrets);
  if (digests === undefined) {
    digests = secrets.map(sha256);
    digestsByList.set(secrets, digests);
  }
  const digest = sha256(presented);
  let matched = false;
  for (const expected of digests) matched = timingSafeEqual(digest, expected) || matched;
  return matched;
}

export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function sha256(text: string): Buffer {
  return hash("sha256", text, "buffer");
}
