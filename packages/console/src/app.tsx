import { useEffect, useState } from "preact/hooks";
import { api, type Session } from "./api.js";
import { DeliveriesPage } from "./deliveries.js";
import { EventsPage } from "./events.js";
import { IntegrationsPage } from "./integrations.js";
import { RejectedPage } from "./rejected.js";
import { href, useRoute } from "./route.js";
import { SignIn } from "./sign-in.js";
import { StatusPage } from "./status.js";
import { TimelinePage } from "./timeline.js";

const PAGES = [
  { page: "integrations", label: "Integrations" },
  { page: "events", label: "Events" },
  { page: "status", label: "Status over time" },
  { page: "rejected", label: "Rejected calls" },
  { page: "deliveries", label: "Deliveries" },
] as const;

/** The console: the session decides between the sign-in form and the pages of one environment. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const route = useRoute();

  useEffect(() => {
    api.session().then(setSession, () => setSession(null));
  }, []);
  if (session === undefined) return <p class="loading" role="status">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    setSession(null);
    location.hash = "";
  };
  const env = session.environmentId;
  const onExpired = () => setSession(null);
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">Tidings</span>
        <span class="env" title="The environment this session can see">
          environment <strong data-testid="environment">{env}</strong>
        </span>
        <nav aria-label="Console pages">
          <ul>
            {PAGES.map(({ page, label }) => (
              <li key={page}>
                <a href={href(page)} aria-current={route.page === page ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === "events" ? (
          <EventsPage env={env} route={route} onExpired={onExpired} />
        ) : route.page === "status" ? (
          <StatusPage env={env} route={route} onExpired={onExpired} />
        ) : route.page === "rejected" ? (
          <RejectedPage env={env} route={route} onExpired={onExpired} />
        ) : route.page === "deliveries" ? (
          <DeliveriesPage env={env} route={route} onExpired={onExpired} />
        ) : route.page === "timeline" ? (
          <TimelinePage env={env} route={route} onExpired={onExpired} />
        ) : (
          <IntegrationsPage env={env} onExpired={onExpired} />
        )}
      </main>
    </div>
  );
}
