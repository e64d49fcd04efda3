/** Times as operators read them: local, to the second, with the ISO instant on hover. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return "never";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** A row as the provider sent it, pretty-printed when it is JSON text. */
export function pretty(text: string | undefined): string {
  if (text === undefined) return "";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A `datetime-local` value (local wall time) as an ISO instant, or undefined when empty. */
export function localToIso(value: string): string | undefined {
  if (value === "") return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
