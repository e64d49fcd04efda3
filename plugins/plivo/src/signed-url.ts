/**
 * The URL text Plivo's signatures start with, as plivo-node 4.78 builds it (lib/utils/security.js
 * `validateSignature` for V2, lib/utils/v3Security.js `construct_get_url` for V3): the configured
 * URL is cut by uri-parser (parseUri 1.2.2 in loose mode) and put together again by build-url
 * from scheme, host, port and path. Nothing is normalized the way WHATWG URL parsing would: a
 * host-only URL gets no trailing slash (`https://answer.url` is signed as written, the SDKs' own
 * test vector), the host keeps its case, a default port and percent escapes stay as written. The
 * user info and the fragment are left out. The query is dropped by V2; V3 decodes its pairs and
 * writes them sorted, `name=value` joined by `&`.
 */
export interface SignedUrl {
  /** `scheme://host[:port]` and the path. */
  readonly base: string;
  /**
   * The same with the URL's user info kept (`scheme://user:password@host...`), as plivo-python
   * writes it (`urlunparse` of the netloc); undefined when the URL has none.
   */
  readonly baseWithUserInfo: string | undefined;
  /** V3's query text: the decoded pairs sorted by name, then value, as `name=value&...`. */
  readonly sortedQuery: string;
}

/** parseUri 1.2.2's loose-mode expression, which uri-parser applies by default, character for character. */
const LOOSE_URI =
  /^(?:(?![^:@]+:[^:@\/]*@)([^:\/?#.]+):)?(?:\/\/)?((?:(([^:@]*)(?::([^:@]*))?)?@)?([^:\/?#]*)(?::(\d*))?)(((\/(?:[^?#](?![^?#\/]*\.[^?#\/.]+(?:[?#]|$)))*\/?)?([^?#\/]*))(?:\?([^#]*))?(?:#(.*))?)/;

/** Keyed by configured URLs only, so it holds as many entries as the configuration has. */
const cache = new Map<string, SignedUrl>();

export function signedUrl(url: string): SignedUrl {
  let parts = cache.get(url);
  if (parts === undefined) cache.set(url, (parts = parse(url)));
  return parts;
}

function parse(url: string): SignedUrl {
  const m = LOOSE_URI.exec(url)!;
  const [protocol = "", userInfo = "", host = "", port = "", path = "", query = ""] = [m[1], m[3], m[6], m[7], m[9], m[12]];
  const scheme = protocol === "" ? "http://" : `${protocol}://`;
  const authority = port === "" ? host : `${host}:${port}`;
  return {
    base: buildUrl(scheme + authority, path),
    baseWithUserInfo: userInfo === "" ? undefined : buildUrl(`${scheme}${userInfo}@${authority}`, path),
    sortedQuery: sortedQuery(query),
  };
}

/** build-url 1.3: one trailing slash off the origin, then the trimmed path, given a leading slash. */
function buildUrl(origin: string, path: string): string {
  const built = origin.endsWith("/") ? origin.slice(0, -1) : origin;
  const trimmed = path.trim();
  if (trimmed === "") return built;
  return trimmed.startsWith("/") ? built + trimmed : `${built}/${trimmed}`;
}

/**
 * Node's querystring.parse decodes `+` and percent escapes as URLSearchParams does; the SDK then
 * sorts names and each name's values with JavaScript's default sort (UTF-16 code units).
 */
function sortedQuery(query: string): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(query)) {
    const values = byName.get(name);
    if (values === undefined) byName.set(name, [value]);
    else values.push(value);
  }
  const written: string[] = [];
  for (const name of [...byName.keys()].sort(byCodeUnits)) {
    for (const value of byName.get(name)!.sort(byCodeUnits)) written.push(`${name}=${value}`);
  }
  return written.join("&");
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
