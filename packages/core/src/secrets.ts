import { hash, timingSafeEqual } from "node:crypto";

/**
 * Secrets are compared as fixed-width buffers: a tag byte, the byte length (two bytes) and the
 * UTF-8 bytes zero-padded to WIDTH; a text longer than WIDTH bytes is represented by its sha256
 * digest under another tag instead. Two texts have equal forms exactly when they are equal, every
 * comparison covers the same number of bytes whatever the lengths, and `timingSafeEqual` does not
 * stop at the first difference. Hashing every presented value instead would cost about 1.5 us a
 * comparison, most of a basic-auth check; a form costs a fill, a write and a compare.
 */
const WIDTH = 256;
const FORM = 3 + WIDTH;
const RAW = 0;
const DIGEST = 1;

/** The form of a presented value is written here: no allocation per comparison. */
const scratch = Buffer.alloc(FORM);

function writeForm(text: string, into: Buffer): Buffer {
  into.fill(0);
  const length = Buffer.byteLength(text);
  if (length <= WIDTH) {
    into[0] = RAW;
    into.write(text, 3, "utf8");
  } else {
    into[0] = DIGEST;
    hash("sha256", text, "buffer").copy(into, 3);
  }
  into.writeUInt16BE(Math.min(length, 0xffff), 1);
  return into;
}

/** The forms of each secret of a list, computed once per list. */
const formsByList = new WeakMap<readonly string[], Buffer[]>();

/**
 * True when `presented` is one of `secrets` (API keys, "username:password" pairs, Authorization
 * header values). The time depends neither on the secrets' lengths nor on where a guess first
 * differs (every form is FORM bytes), and every secret is checked (no early exit). The list's
 * forms are kept for as long as the list is: pass the same array (the configured one) each time.
 */
export function matchesSecret(presented: string, secrets: readonly string[]): boolean {
  let forms = formsByList.get(secrets);
  if (forms === undefined) {
    forms = secrets.map((secret) => writeForm(secret, Buffer.alloc(FORM)));
    formsByList.set(secrets, forms);
  }
  const form = writeForm(presented, scratch);
  let matched = false;
  for (const expected of forms) matched = timingSafeEqual(form, expected) || matched;
  return matched;
}

export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(writeForm(a, Buffer.alloc(FORM)), writeForm(b, scratch));
}
