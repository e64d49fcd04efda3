import { api, STATUSES, type Integration, type Verification } from "./api.js";
import { formatTime } from "./format.js";
import { ErrorNote, useLoad } from "./load.js";
import { markdownToHtml } from "./markdown.js";
import { href } from "./route.js";

const VERIFICATION: Record<Verification, string> = {
  signature: "Signature",
  basic_auth: "Basic auth",
  api_key_only: "API key only",
  unverified: "Unverified",
};

/** Each integration: where the provider posts, how calls are verified, and what came in lately. */
export function IntegrationsPage({ env, onExpired }: { env: string; onExpired: () => void }) {
  const { data, error, loading } = useLoad(`integrations:${env}`, () => api.integrations(env), onExpired);
  return (
    <section aria-labelledby="integrations-title">
      <h1 id="integrations-title">Integrations</h1>
      <ErrorNote error={error} />
      {loading && data === undefined ? <p role="status">Loading…</p> : null}
      {data?.data.length === 0 ? <p>This environment has no integrations in the config.</p> : null}
      <div class="cards">
        {data?.data.map((integration) => <IntegrationCard key={integration.id} integration={integration} />)}
      </div>
    </section>
  );
}

function IntegrationCard({ integration }: { integration: Integration }) {
  const counts = STATUSES.filter((status) => (integration.last24h[status] ?? 0) > 0);
  const titleId = `integration-${integration.id}`;
  return (
    <article class="card" aria-labelledby={titleId} data-integration={integration.id}>
      <h2 id={titleId}>
        {integration.id} <span class="provider">{integration.providerName}</span>
      </h2>
      <dl class="facts">
        <dt>Webhook URL</dt>
        <dd>
          <code class="url">{integration.url}</code>
        </dd>
        <dt>Verified by</dt>
        <dd>
          <span class={`badge verification ${integration.verification}`}>
            {integration.verification === "unverified" ? "⚠ " : ""}
            {VERIFICATION[integration.verification]}
          </span>{" "}
          <span class="note">{integration.verificationNote}</span>
        </dd>
        <dt>Last call</dt>
        <dd>
          <time dateTime={integration.lastCallAt ?? undefined}>{formatTime(integration.lastCallAt)}</time>
        </dd>
        <dt>Last 24 hours</dt>
        <dd>
          {counts.length === 0 ? (
            "no events"
          ) : (
            <ul class="counts">
              {counts.map((status) => (
                <li key={status}>
                  <a href={href("events", [], { integration: integration.id, status })}>
                    <span class={`status ${status}`}>{status}</span> {integration.last24h[status]}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      {integration.setup === null ? null : (
        <details>
          <summary>Set-up steps at {integration.providerName}</summary>
          <div class="markdown" dangerouslySetInnerHTML={{ __html: markdownToHtml(integration.setup) }} />
        </details>
      )}
    </article>
  );
}
