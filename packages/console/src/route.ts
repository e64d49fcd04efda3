import { useEffect, useState } from "preact/hooks";

/** The page and its parameters live in the URL's fragment, so every view can be bookmarked and reloaded. */
export interface Route {
  readonly page: string;
  readonly parts: readonly string[];
  readonly params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const parts = path.split("/").filter((part) => part !== "").map(decodeURIComponent);
  return { page: parts[0] ?? "integrations", parts: parts.slice(1), params: new URLSearchParams(query) };
}

export function href(page: string, parts: readonly string[] = [], params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== "") query.set(name, value);
  const path = [page, ...parts.map(encodeURIComponent)].join("/");
  const text = query.toString();
  return `#/${path}${text === "" ? "" : `?${text}`}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}
