import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, STATUSES, type ConsoleEvent } from "./api.js";
import { EventDialog } from "./event-dialog.js";
import { formatTime, localToIso } from "./format.js";
import { ErrorNote, useLoad } from "./load.js";
import { href, type Route } from "./route.js";

const PAGE = 50;
const TAIL_EVERY_MS = 2000;
const FILTERS = ["integration", "status", "since", "until", "q"] as const;

/** The environment's events, newest first, filtered, paged back in time, with new ones tailed live. */
export function EventsPage({ env, route, onExpired }: { env: string; route: Route; onExpired: () => void }) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, route.params.get(name) ?? undefined])) as Record<(typeof FILTERS)[number], string | undefined>;
  const key = JSON.stringify(filters);
  const integrations = useLoad(`integrations:${env}`, () => api.integrations(env), onExpired);
  const [rows, setRows] = useState<ConsoleEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [live, setLive] = useState(true);
  const [open, setOpen] = useState<ConsoleEvent | undefined>();
  const newest = useRef<string | undefined>(undefined);

  const fail = (thrown: unknown) => {
    if (thrown instanceof ApiError && thrown.status === 401) onExpired();
    setError(thrown instanceof Error ? thrown.message : String(thrown));
  };

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(undefined);
    api.events(env, { ...filters, limit: String(PAGE) }).then(
      (page) => {
        if (!current) return;
        setRows(page.data);
        setNext(page.next);
        setFresh(new Set());
        newest.current = page.data[0]?.cursor;
        setLoading(false);
      },
      (thrown: unknown) => {
        if (!current) return;
        fail(thrown);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [env, key]);

  // Live tail: asks for what arrived after the newest row shown, with the same filters.
  useEffect(() => {
    if (!live || loading) return;
    let stopped = false;
    const timer = setInterval(() => {
      api.events(env, { ...filters, limit: String(PAGE), ...(newest.current === undefined ? {} : { after: newest.current }) }).then((page) => {
        if (stopped || page.data.length === 0) return;
        newest.current = page.data[0]!.cursor;
        setFresh(new Set(page.data.map((row) => row.cursor)));
        setRows((shown) => [...page.data, ...shown.filter((row) => !page.data.some((added) => added.cursor === row.cursor))]);
      }, fail);
    }, TAIL_EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [env, key, live, loading]);

  const older = () => {
    if (next === null) return;
    api.events(env, { ...filters, limit: String(PAGE), before: next }).then((page) => {
      setRows((shown) => [...shown, ...page.data]);
      setNext(page.next);
    }, fail);
  };

  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? "").trim() || undefined;
    location.hash = href("events", [], {
      integration: value("integration"),
      status: value("status"),
      since: localToIso(value("since") ?? ""),
      until: localToIso(value("until") ?? ""),
      q: value("q"),
    });
  };

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <form class="filters" onSubmit={apply} key={key} aria-label="Filter events">
        <div>
          <label for="f-integration">Integration</label>
          <select id="f-integration" name="integration" value={filters.integration ?? ""}>
            <option value="">All</option>
            {integrations.data?.data.map((integration) => (
              <option key={integration.id} value={integration.id}>
                {integration.id}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-status">Status</label>
          <select id="f-status" name="status" value={filters.status ?? ""}>
            <option value="">Any</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-since">From</label>
          <input id="f-since" name="since" type="datetime-local" step={1} value={isoToLocal(filters.since)} />
        </div>
        <div>
          <label for="f-until">Until</label>
          <input id="f-until" name="until" type="datetime-local" step={1} value={isoToLocal(filters.until)} />
        </div>
        <div class="grow">
          <label for="f-q">External id, correlation id or recipient</label>
          <input id="f-q" name="q" type="search" maxLength={1024} value={filters.q ?? ""} />
        </div>
        <div class="actions">
          <button type="submit">Apply</button>
          <a class="button secondary" href={href("events")}>
            Clear
          </a>
        </div>
      </form>
      <p class="toolbar">
        <label>
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} /> Show new events as they arrive
        </label>
        <span role="status" aria-live="polite" class="note">
          {loading ? "Loading…" : fresh.size > 0 ? `${fresh.size} new event${fresh.size === 1 ? "" : "s"}` : ""}
        </span>
      </p>
      <ErrorNote error={error} />
      <div class="table-wrap">
        <table class="events">
          <caption class="visually-hidden">Events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Event time</th>
              <th scope="col">Status</th>
              <th scope="col">Integration</th>
              <th scope="col">External id</th>
              <th scope="col">Recipient</th>
              <th scope="col">Correlation id</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.cursor} class={fresh.has(row.cursor) ? "fresh" : undefined} data-cursor={row.cursor}>
                <td>
                  <button type="button" class="link" onClick={() => setOpen(row)} aria-label={`Open ${row.event.status} event ${row.id}`}>
                    <time dateTime={row.event.date}>{formatTime(row.event.date)}</time>
                  </button>
                </td>
                <td>
                  <span class={`status ${row.event.status}`}>{row.event.status}</span>
                </td>
                <td>{row.integrationId}</td>
                <td class="mono">{row.event.externalId ?? ""}</td>
                <td>{row.details?.recipient ?? ""}</td>
                <td class="mono">{row.correlationId ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && rows.length === 0 ? <p>No events match.</p> : null}
      {next === null ? null : (
        <p>
          <button type="button" class="secondary" onClick={older}>
            Older events
          </button>
        </p>
      )}
      {open === undefined ? null : <EventDialog event={open} onClose={() => setOpen(undefined)} />}
    </section>
  );
}

/** An ISO instant as a `datetime-local` value in local wall time. */
function isoToLocal(iso: string | undefined): string {
  if (iso === undefined) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}
