import { api } from "./api.js";
import { formatTime, pretty } from "./format.js";
import { ErrorNote, useLoad } from "./load.js";
import type { Route } from "./route.js";

/** Requests the receiver refused, newest first, and the events it kept without normalizing (ignored, unmapped). */
export function RejectedPage({ env, onExpired }: { env: string; route: Route; onExpired: () => void }) {
  const rejected = useLoad(`rejected:${env}`, () => api.rejected(env, { limit: "50" }), onExpired);
  const kept = useLoad(`kept:${env}`, () => api.kept(env, { limit: "50" }), onExpired);
  return (
    <section aria-labelledby="rejected-title">
      <h1 id="rejected-title">Rejected calls</h1>
      <ErrorNote error={rejected.error} />
      {rejected.data?.data.length === 0 ? <p>No rejected calls are kept.</p> : null}
      <ul class="rejections">
        {rejected.data?.data.map((call) => (
          <li key={call.cursor} class="card" data-code={call.code}>
            <h2>
              <span class="badge warn">{call.code}</span> {call.method} to <code>{call.integrationId}</code>{" "}
              <time class="note" dateTime={call.receivedAt}>
                {formatTime(call.receivedAt)}
              </time>
            </h2>
            <p>{call.message}</p>
            <details>
              <summary>
                Headers and body ({call.contentType || "no content type"}, {call.bodyBytes} bytes{call.bodyTruncated ? ", cut short" : ""})
              </summary>
              <h3>Headers (secrets redacted)</h3>
              <pre tabIndex={0}>{Object.entries(call.headers).map(([name, value]) => `${name}: ${value}`).join("\n")}</pre>
              <h3>Body</h3>
              <pre tabIndex={0}>{pretty(call.body)}</pre>
            </details>
          </li>
        ))}
      </ul>
      <h1 id="kept-title">Ignored and unmapped events</h1>
      <ErrorNote error={kept.error} />
      {kept.data?.data.length === 0 ? <p>None kept.</p> : null}
      <ul class="rejections" aria-labelledby="kept-title">
        {kept.data?.data.map((event) => (
          <li key={`${event.cursor}-${event.kind}-${event.id}`} class="card">
            <h2>
              <span class={`badge ${event.kind === "unmapped" ? "warn" : "info"}`}>{event.kind}</span> {event.name ?? "(no event name)"} on <code>{event.integrationId}</code>{" "}
              <time class="note" dateTime={event.receivedAt}>
                {formatTime(event.receivedAt)}
              </time>
            </h2>
            <p>
              {event.code === undefined ? null : <code>{event.code}</code>} {event.reason}
            </p>
            <details>
              <summary>Raw event</summary>
              <pre tabIndex={0}>{pretty(event.row)}</pre>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
