import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, DELIVERY_STATES, type Delivery, type Subscription } from "./api.js";
import { formatTime, localToIso } from "./format.js";
import { ErrorNote, useLoad } from "./load.js";
import { href, type Route } from "./route.js";

const PAGE = 50;
/** The most rows one refresh asks for (the receiver's page limit). */
const MAX_PAGE = 200;
/** While a shown delivery is pending, the list is read again this often, so its outcome appears. */
const REFRESH_MS = 1000;

/** The environment's subscriptions and, for the one chosen, its deliveries with their attempts. */
export function DeliveriesPage({ env, route, onExpired }: { env: string; route: Route; onExpired: () => void }) {
  const subscriptions = useLoad(`subscriptions:${env}`, () => api.subscriptions(env), onExpired);
  const list = subscriptions.data?.data;
  const chosen = list?.find((s) => s.id === (route.parts[0] ?? list[0]?.id));
  const state = route.params.get("state") ?? undefined;
  return (
    <section aria-labelledby="deliveries-title">
      <h1 id="deliveries-title">Deliveries</h1>
      <ErrorNote error={subscriptions.error} />
      {subscriptions.loading && list === undefined ? <p role="status">Loading…</p> : null}
      {list?.length === 0 ? <p>This environment has no subscriptions in the config.</p> : null}
      <div class="cards">
        {list?.map((subscription) => <SubscriptionCard key={subscription.id} subscription={subscription} current={subscription.id === chosen?.id} />)}
      </div>
      {chosen === undefined ? null : (
        <SubscriptionDeliveries key={`${chosen.id}:${state ?? ""}`} env={env} subscription={chosen} state={state} onChanged={subscriptions.reload} onExpired={onExpired} />
      )}
    </section>
  );
}

function SubscriptionCard({ subscription, current }: { subscription: Subscription; current: boolean }) {
  const titleId = `subscription-${subscription.id}`;
  return (
    <article class="card" aria-labelledby={titleId} data-subscription={subscription.id}>
      <h2 id={titleId}>{subscription.id}</h2>
      <dl class="facts">
        <dt>URL</dt>
        <dd>
          <code class="url">{subscription.url}</code>
        </dd>
        <dt>Statuses</dt>
        <dd>{subscription.statuses === null ? "all" : subscription.statuses.join(", ")}</dd>
        <dt>Integrations</dt>
        <dd>{subscription.integrations === null ? "all" : subscription.integrations.join(", ")}</dd>
        <dt>Sending</dt>
        <dd class="sending">
          {subscription.disabled === null ? (
            "enabled"
          ) : (
            <>
              <span class="badge warn">⚠ disabled</span> {subscription.disabled}; nothing is sent until a dead delivery is retried
            </>
          )}
        </dd>
        <dt>Waiting</dt>
        <dd>
          <a href={href("deliveries", [subscription.id], { state: "pending" })} class="pending-count">
            {subscription.pending} pending
          </a>
          {", "}
          <a href={href("deliveries", [subscription.id], { state: "dead" })} class="dead-count">
            {subscription.dead} dead
          </a>
        </dd>
      </dl>
      <p>
        <a href={href("deliveries", [subscription.id])} aria-current={current ? "true" : undefined}>
          All deliveries to {subscription.id}
        </a>
      </p>
    </article>
  );
}

interface DeliveriesProps {
  readonly env: string;
  readonly subscription: Subscription;
  readonly state: string | undefined;
  /** Told when deliveries changed, so the subscription's counts are read again. */
  readonly onChanged: () => void;
  readonly onExpired: () => void;
}

/** One subscription's deliveries, newest first, filtered by state, with retry and replay. */
function SubscriptionDeliveries({ env, subscription, state, onChanged, onExpired }: DeliveriesProps) {
  const [rows, setRows] = useState<Delivery[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | undefined>();
  const [message, setMessage] = useState("");
  const [replayFrom, setReplayFrom] = useState<string | undefined>();
  const shown = useRef(0);
  shown.current = rows.length;
  const id = subscription.id;

  const fail = (thrown: unknown) => {
    if (thrown instanceof ApiError && thrown.status === 401) onExpired();
    setError(thrown instanceof Error ? thrown.message : String(thrown));
  };
  /** Reads the newest deliveries again, as many as are shown (the first page at least). */
  const refresh = () =>
    api.deliveries(env, id, { state, limit: String(Math.min(MAX_PAGE, Math.max(PAGE, shown.current))) }).then((page) => {
      setRows(page.data);
      setNext(page.next);
      setError(undefined);
      setLoading(false);
      return page.data;
    });

  useEffect(() => {
    refresh().catch((thrown: unknown) => {
      fail(thrown);
      setLoading(false);
    });
  }, [env, id, state]);

  const pending = rows.filter((row) => row.state === "pending").map((row) => row.id).join(",");
  useEffect(() => {
    if (pending === "") return;
    const timer = setTimeout(() => {
      refresh().then((data) => {
        const still = data.filter((row) => row.state === "pending").map((row) => row.id).join(",");
        if (still !== pending) onChanged();
      }, fail);
    }, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [pending, rows]);

  const older = () => {
    if (next === null) return;
    api.deliveries(env, id, { state, limit: String(PAGE), before: next }).then((page) => {
      setRows((current) => [...current, ...page.data]);
      setNext(page.next);
    }, fail);
  };
  const retry = (delivery: Delivery) => {
    setMessage("");
    api
      .retry(env, id, delivery.id)
      .then(() => {
        setMessage(`Delivery ${delivery.id} queued again: it is attempted now.`);
        onChanged();
        return refresh();
      })
      .catch(fail);
  };
  const replay = (since: string) => {
    setMessage("");
    api
      .replay(env, id, since)
      .then(({ queued, complete }) => {
        setMessage(`${queued} deliver${queued === 1 ? "y" : "ies"} queued again${complete ? "" : ": the limit stopped the replay; replay again from a later time for the rest"}.`);
        onChanged();
        return refresh();
      })
      .catch(fail);
  };
  const filter = (event: Event) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget as HTMLFormElement).get("state") ?? "");
    location.hash = href("deliveries", [id], { state: value });
  };
  const askReplay = (event: Event) => {
    event.preventDefault();
    const since = localToIso(String(new FormData(event.currentTarget as HTMLFormElement).get("since") ?? ""));
    if (since !== undefined) setReplayFrom(since);
  };

  return (
    <section aria-labelledby="subscription-deliveries-title" class="subscription-deliveries">
      <h2 id="subscription-deliveries-title">Deliveries to {id}</h2>
      <div class="delivery-forms">
        <form class="filters" onSubmit={filter} aria-label="Filter deliveries">
          <div>
            <label for="d-state">State</label>
            <select id="d-state" name="state" value={state ?? ""}>
              <option value="">Any</option>
              {DELIVERY_STATES.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          </div>
          <div class="actions">
            <button type="submit">Apply</button>
          </div>
        </form>
        <form class="filters" onSubmit={askReplay} aria-label="Replay events">
          <div>
            <label for="d-since">Replay events from</label>
            <input id="d-since" name="since" type="datetime-local" step={1} required aria-describedby="d-since-hint" />
            <p id="d-since-hint" class="hint">
              Events whose event time is at or after this are sent again, each under a new webhook-id.
            </p>
          </div>
          <div class="actions">
            <button type="submit">Replay…</button>
          </div>
        </form>
      </div>
      <p role="status" aria-live="polite" class="note">
        {loading ? "Loading…" : message}
      </p>
      <ErrorNote error={error} />
      {!loading && rows.length === 0 ? <p>No deliveries{state === undefined ? "" : ` in state ${state}`}.</p> : null}
      <ul class="deliveries">
        {rows.map((delivery) => (
          <DeliveryCard key={delivery.id} delivery={delivery} onRetry={() => retry(delivery)} />
        ))}
      </ul>
      {next === null ? null : (
        <p>
          <button type="button" class="secondary" onClick={older}>
            Older deliveries
          </button>
        </p>
      )}
      {replayFrom === undefined ? null : (
        <ReplayDialog
          subscription={id}
          since={replayFrom}
          onClose={(confirmed) => {
            setReplayFrom(undefined);
            if (confirmed) replay(replayFrom);
          }}
        />
      )}
    </section>
  );
}

function DeliveryCard({ delivery, onRetry }: { delivery: Delivery; onRetry: () => void }) {
  const titleId = `delivery-${delivery.id}`;
  return (
    <li class="card" aria-labelledby={titleId} data-delivery={delivery.id} data-state={delivery.state}>
      <h3 id={titleId}>
        <span class={`status ${delivery.state}`}>{delivery.state}</span> event <code>{delivery.eventId}</code> from {delivery.integrationId}{" "}
        <time class="note" dateTime={delivery.createdAt}>
          {formatTime(delivery.createdAt)}
        </time>
      </h3>
      <p class="note">
        webhook-id <code>{delivery.messageId}</code>
        {delivery.nextAttemptAt === null ? null : (
          <>
            {"; next attempt "}
            <time dateTime={delivery.nextAttemptAt}>{formatTime(delivery.nextAttemptAt)}</time>
          </>
        )}
      </p>
      {delivery.state === "dead" ? (
        <p>
          <button type="button" onClick={onRetry} aria-label={`Retry delivery ${delivery.id} of event ${delivery.eventId}`}>
            Retry
          </button>
        </p>
      ) : null}
      {delivery.attempts.length === 0 ? (
        <p>Not attempted yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="attempts">
            <caption class="visually-hidden">Attempts of delivery {delivery.id}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Result</th>
                <th scope="col">Latency</th>
                <th scope="col">Answer (first 1 KiB)</th>
              </tr>
            </thead>
            <tbody>
              {delivery.attempts.map((attempt, i) => (
                <tr key={attempt.at + i}>
                  <td class="num">{i + 1}</td>
                  <td>
                    <time dateTime={attempt.at}>{formatTime(attempt.at)}</time>
                  </td>
                  <td class="result">{attempt.statusCode === null ? (attempt.error ?? "no answer") : attempt.statusCode}</td>
                  <td class="num">{Math.round(attempt.latencyMs)} ms</td>
                  <td>{attempt.response === null || attempt.response === "" ? <span class="note">none</span> : <pre tabIndex={0} class="answer">{attempt.response}</pre>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </li>
  );
}

/** Asks before a replay: it sends the endpoint again events it may already hold. */
function ReplayDialog({ subscription, since, onClose }: { subscription: string; since: string; onClose: (confirmed: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const confirmed = useRef(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const close = (yes: boolean) => {
    confirmed.current = yes;
    dialog.current?.close();
  };
  return (
    <dialog ref={dialog} class="event" aria-labelledby="replay-title" aria-describedby="replay-what" onClose={() => onClose(confirmed.current)}>
      <h2 id="replay-title">Replay events to {subscription}?</h2>
      <p id="replay-what">
        Every event for this subscription whose event time is at or after <time dateTime={since}>{formatTime(since)}</time> is queued again under a new webhook-id. The endpoint may receive events it already has.
      </p>
      <p class="actions-row">
        <button type="button" onClick={() => close(true)}>
          Replay
        </button>
        {/* Focus starts on Cancel: Enter on an opened dialog should not resend events. */}
        <button type="button" class="secondary" autoFocus onClick={() => close(false)}>
          Cancel
        </button>
      </p>
    </dialog>
  );
}
