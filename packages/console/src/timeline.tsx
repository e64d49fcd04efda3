import { useState } from "preact/hooks";
import { api } from "./api.js";
import { EventDialog } from "./event-dialog.js";
import { formatTime } from "./format.js";
import { ErrorNote, useLoad } from "./load.js";
import type { Route } from "./route.js";

/** Every event of one message (provider message id or sender's correlation id), in provider-time order. */
export function TimelinePage({ env, route, onExpired }: { env: string; route: Route; onExpired: () => void }) {
  const [integrationId = "", messageId = ""] = route.parts;
  const { data, error } = useLoad(`timeline:${env}:${integrationId}:${messageId}`, () => api.timeline(env, integrationId, messageId), onExpired);
  const [open, setOpen] = useState<number | undefined>();
  const events = data?.data ?? [];
  return (
    <section aria-labelledby="timeline-title">
      <h1 id="timeline-title">
        Message <code>{messageId}</code> <span class="note">on {integrationId}</span>
      </h1>
      <ErrorNote error={error} />
      {data !== undefined && events.length === 0 ? <p>No events of this message.</p> : null}
      <ol class="timeline">
        {events.map((event, i) => (
          <li key={`${event.id}-${i}`}>
            <time dateTime={event.event.date}>{formatTime(event.event.date)}</time> <span class={`status ${event.event.status}`}>{event.event.status}</span>{" "}
            <button type="button" class="link" onClick={() => setOpen(i)}>
              event {event.id}
            </button>
            {event.event.response === undefined ? null : <span class="note"> {event.event.response}</span>}
          </li>
        ))}
      </ol>
      {open === undefined || events[open] === undefined ? null : <EventDialog event={events[open]} onClose={() => setOpen(undefined)} />}
    </section>
  );
}
