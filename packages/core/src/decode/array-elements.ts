/**
 * The exact source text of each element of a top-level JSON array, so an engine can keep each raw
 * event's own text as its row: no re-serialization, and the slices share the body's memory (no
 * offsets kept either: a 100,000-event body would hold 100,000 offset pairs at its peak).
 * Only called on text JSON.parse has already accepted, so it needs no error reporting; anything
 * it does not expect makes it give up (undefined) and the caller serializes instead.
 */
export function arrayElementTexts(text: string): string[] | undefined {
  const start = skipSpace(text, 0);
  const elements = elementsAt(text, start);
  return elements !== undefined && skipSpace(text, afterArray) === text.length ? elements : undefined;
}

/**
 * The same for the array under `key` in a top-level JSON object (`{"events": [...]}`): the last
 * such member, as JSON.parse keeps the last of duplicate keys; undefined when there is none.
 */
export function memberElementTexts(text: string, key: string): string[] | undefined {
  return lastMember(text, key, elementsAt);
}

/** The exact text of the value under `key` in a top-level JSON object (`{"event": {...}}`), the last such member. */
export function memberText(text: string, key: string): string | undefined {
  return lastMember(text, key, valueAt);
}

function valueAt(text: string, i: number): string {
  afterArray = skipValue(text, i);
  return text.slice(i, afterArray);
}

/**
 * What `read` makes of the value of the last member `key` of the top-level object in `text`
 * (read leaves where the value ends in `afterArray`), or undefined when the text is not such an
 * object, or the last such member is not what `read` reads.
 */
function lastMember<T>(text: string, key: string, read: (text: string, at: number) => T | undefined): T | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 0x7b /* { */) return undefined;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 0x7d /* } */) return undefined;
  let found: T | undefined;
  for (;;) {
    if (text.charCodeAt(i) !== 0x22 /* " */) return undefined;
    const nameEnd = skipString(text, i);
    const name = text.slice(i + 1, nameEnd - 1);
    const matches = name.includes("\\") ? JSON.parse(text.slice(i, nameEnd)) === key : name === key;
    i = skipSpace(text, nameEnd);
    if (text.charCodeAt(i) !== 0x3a /* : */) return undefined;
    i = skipSpace(text, i + 1);
    found = matches ? read(text, i) : found;
    i = matches && found !== undefined ? afterArray : skipValue(text, i);
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === 0x2c /* , */) i = skipSpace(text, i + 1);
    else return c === 0x7d && skipSpace(text, i + 1) === text.length ? found : undefined;
  }
}

/** Where the last value `elementsAt` or `valueAt` read ends: kept here, not in an object per call. */
let afterArray = 0;

/** The texts of the elements of the array opening at `i`, or undefined when none opens there. */
function elementsAt(text: string, i: number): string[] | undefined {
  if (text.charCodeAt(i) !== 0x5b /* [ */) return undefined;
  const elements: string[] = [];
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 0x5d /* ] */) {
    afterArray = i + 1;
    return elements;
  }
  for (;;) {
    const start = i;
    i = skipValue(text, i);
    elements.push(text.slice(start, i));
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === 0x2c /* , */) i = skipSpace(text, i + 1);
    else if (c === 0x5d) {
      afterArray = i + 1;
      return elements;
    } else return undefined;
  }
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** Index just past the value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22 /* " */) return skipString(text, i);
  if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
    let depth = 0;
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i = skipString(text, i);
        continue;
      }
      if (ch === 0x7b || ch === 0x5b) depth++;
      else if ((ch === 0x7d || ch === 0x5d) && --depth === 0) return i + 1;
      i++;
    }
    return i;
  }
  // A number, true, false or null: up to the next delimiter.
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x2c || ch === 0x5d || ch === 0x7d || ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) return i;
    i++;
  }
  return i;
}

/**
 * Index just past the string whose opening quote is at `i`: the next quote preceded by an even
 * number of backslashes (escapes pair up from the left), found by indexOf rather than a loop over
 * every character; the text's length when the string never closes.
 */
export function skipString(text: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}
