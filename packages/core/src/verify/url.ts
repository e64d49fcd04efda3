/**
 * What providers that sign the URL and the form fields put under their HMAC. The URL is the one the
 * provider called, exactly as configured there (query string included; a trailing slash matters),
 * followed by each field's name and value with no delimiter, sorted by name:
 *
 * - Twilio (twilio-node src/webhooks/webhooks.ts `getExpectedTwilioSignature`, twilio-python
 *   `RequestValidator.compute_signature`): HMAC-SHA1, base64. Repeated names have their values
 *   sorted and de-duplicated: `duplicates: "unique"`.
 * - Plivo V3 (plivo-node lib/utils/v3Security.js `get_sorted_params_string`): HMAC-SHA256 over
 *   its own URL form, then the sorted fields, then `.` and the nonce. Repeated values are sorted
 *   and all kept: `duplicates: "keep"`.
 * - Mandrill ("How to Authenticate Webhook Requests"; its sample is PHP's `ksort($_POST)`):
 *   HMAC-SHA1, base64. It posts one field, `mandrill_events`, so either setting gives the same text.
 *
 * Names and values compare by UTF-16 code units, as JavaScript's default sort in both SDKs does.
 */
export interface SortedParamsOptions {
  /** What to do with a name that repeats a value: keep every copy (default) or keep one. */
  readonly duplicates?: "keep" | "unique";
}

export type SignedParams = Iterable<readonly [string, string]> | Readonly<Record<string, string | readonly string[]>>;

export function urlWithSortedParams(url: string, params: SignedParams, options: SortedParamsOptions = {}): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of pairsOf(params)) {
    const values = byName.get(name);
    if (values === undefined) byName.set(name, [value]);
    else values.push(value);
  }
  let text = url;
  for (const name of [...byName.keys()].sort(byCodeUnits)) {
    const values = byName.get(name)!.sort(byCodeUnits);
    const kept = options.duplicates === "unique" ? values.filter((value, i) => i === 0 || value !== values[i - 1]) : values;
    for (const value of kept) text += name + value;
  }
  return text;
}

const utf8 = new TextDecoder();

/**
 * A form body's fields as the sender wrote them: flat name/value pairs in order, `+` and percent
 * escapes decoded, repeated names kept. (Core's body decoder builds nested objects from
 * `a[b]=1`, which is right for mapping events but not for recomputing a signature.)
 */
export function formPairs(rawBody: Uint8Array): [string, string][] {
  return [...new URLSearchParams(utf8.decode(rawBody))];
}

function pairsOf(params: SignedParams): Iterable<readonly [string, string]> {
  if (isIterable(params)) return params;
  return Object.keys(params).flatMap((name) => {
    const value = params[name]!;
    return typeof value === "string" ? [[name, value] as const] : value.map((item) => [name, item] as const);
  });
}

function isIterable(value: SignedParams): value is Iterable<readonly [string, string]> {
  return typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === "function";
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
