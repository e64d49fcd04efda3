import { useEffect, useRef } from "preact/hooks";
import type { ConsoleEvent } from "./api.js";
import { formatTime, pretty } from "./format.js";
import { href } from "./route.js";

/** One event: its normalized fields, its details and the provider's raw row. Esc or Close returns to the table. */
export function EventDialog({ event, onClose }: { event: Omit<ConsoleEvent, "cursor">; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, [event]);
  const { externalId } = event.event;
  return (
    <dialog ref={dialog} class="event" aria-labelledby="event-title" onClose={onClose}>
      <header>
        <h2 id="event-title">
          <span class={`status ${event.event.status}`}>{event.event.status}</span> event <code>{event.id}</code>
        </h2>
        <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </header>
      <dl class="facts">
        <dt>Event time</dt>
        <dd>
          <time dateTime={event.event.date}>{formatTime(event.event.date)}</time> <span class="note">{event.event.date}</span>
        </dd>
        <dt>Received</dt>
        <dd>
          <time dateTime={event.receivedAt}>{formatTime(event.receivedAt)}</time>
        </dd>
        <dt>Integration</dt>
        <dd>
          {event.integrationId} <span class="note">({event.provider})</span>
        </dd>
        <dt>External id</dt>
        <dd>
          {externalId === undefined ? (
            "none"
          ) : (
            <a href={href("timeline", [event.integrationId, externalId])} onClick={() => dialog.current?.close()}>
              {externalId} (timeline)
            </a>
          )}
        </dd>
        <dt>Correlation id</dt>
        <dd>
          {event.correlationId === undefined ? (
            "none"
          ) : (
            <a href={href("timeline", [event.integrationId, event.correlationId])} onClick={() => dialog.current?.close()}>
              {event.correlationId} (timeline)
            </a>
          )}
        </dd>
        {event.event.attempts === undefined ? null : (
          <>
            <dt>Attempts</dt>
            <dd>{event.event.attempts}</dd>
          </>
        )}
        {event.event.response === undefined ? null : (
          <>
            <dt>Response</dt>
            <dd class="mono">{event.event.response}</dd>
          </>
        )}
      </dl>
      <h3>details</h3>
      <pre tabIndex={0} aria-label="details">{event.details === undefined ? "none" : JSON.stringify(event.details, null, 2)}</pre>
      <h3>row (as the provider sent it)</h3>
      <pre tabIndex={0} aria-label="raw row">{pretty(event.event.row)}</pre>
    </dialog>
  );
}
