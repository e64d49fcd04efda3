/**
 * The receiver's console endpoints, as the page calls them. The shapes are the receiver's zod
 * schemas (packages/server/src/console/schemas.ts, published in /openapi.json); these types restate
 * the fields the page reads.
 */

export const STATUSES = [
  "opened", "rejected", "sent", "deferred", "delivered", "bounced", "dropped", "clicked", "blocked", "spam",
  "unsubscribed", "delayed", "complaint", "created", "accepted", "queued", "sending", "failed", "undelivered", "dismissed",
] as const;
export type Status = (typeof STATUSES)[number];

export interface Session {
  environmentId: string;
  expiresAt: string;
}

export type Verification = "signature" | "basic_auth" | "api_key_only" | "unverified";

export interface Integration {
  id: string;
  provider: string;
  providerName: string;
  url: string;
  verification: Verification;
  verificationNote: string;
  lastCallAt: string | null;
  last24h: Partial<Record<Status, number>>;
  setup: string | null;
}

export interface ConsoleEvent {
  cursor: string;
  id: string;
  event: { status: Status; date: string; externalId?: string; attempts?: number; response?: string; row?: string };
  details?: Record<string, unknown> & { recipient?: string };
  integrationId: string;
  provider: string;
  correlationId?: string;
  receivedAt: string;
}

export interface Page<T> {
  data: T[];
  next: string | null;
}

export interface StatusCount {
  at: string;
  status: Status;
  count: number;
}

export interface Stats {
  bucket: "hour" | "day";
  since: string;
  until: string;
  data: StatusCount[];
}

export interface RejectedCall {
  cursor: string;
  integrationId: string;
  receivedAt: string;
  code: string;
  message: string;
  method: string;
  contentType: string;
  headers: Record<string, string>;
  body: string;
  bodyBytes: number;
  bodyTruncated: boolean;
}

export interface KeptEvent {
  cursor: string;
  integrationId: string;
  receivedAt: string;
  kind: "ignored" | "unmapped";
  id: string;
  name?: string;
  code?: string;
  reason: string;
  row: string;
}

export interface Subscription {
  id: string;
  url: string;
  statuses: Status[] | null;
  integrations: string[] | null;
  disabled: string | null;
  pending: number;
  dead: number;
}

export const DELIVERY_STATES = ["pending", "delivered", "dead"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface Attempt {
  at: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  response: string | null;
}

export interface Delivery {
  id: string;
  messageId: string;
  integrationId: string;
  eventId: string;
  state: DeliveryState;
  attempts: Attempt[];
  nextAttemptAt: string | null;
  createdAt: string;
}

/** An answer in the receiver's error shape ({ statusCode, error, message, code }). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | undefined>;

function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== "") params.set(name, value);
  const text = params.toString();
  return text === "" ? path : `${path}?${text}`;
}

/** Sent on every call: the receiver refuses a change made with the session cookie alone (a cross-site form cannot send a header). */
const MARK = { accept: "application/json", "x-tidings-console": "1" };

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? MARK : { ...MARK, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed: unknown = text === "" ? undefined : JSON.parse(text);
  if (!response.ok) {
    const error = parsed as { code?: string; message?: string } | undefined;
    throw new ApiError(response.status, error?.code ?? "error", error?.message ?? response.statusText);
  }
  return parsed as T;
}

const subscriptions = (environmentId: string) => `/v2/environments/${encodeURIComponent(environmentId)}/subscriptions`;
const env = (environmentId: string) => `/console/api/environments/${encodeURIComponent(environmentId)}`;

export const api = {
  session: () => call<Session>("GET", "/console/api/session"),
  signIn: (apiKey: string) => call<Session>("POST", "/console/api/session", { apiKey }),
  signOut: () => call<void>("DELETE", "/console/api/session"),
  integrations: (environmentId: string) => call<{ data: Integration[] }>("GET", `${env(environmentId)}/integrations`),
  events: (environmentId: string, query: Query) => call<Page<ConsoleEvent>>("GET", withQuery(`${env(environmentId)}/events`, query)),
  stats: (environmentId: string, query: Query) => call<Stats>("GET", withQuery(`${env(environmentId)}/stats`, query)),
  rejected: (environmentId: string, query: Query) => call<Page<RejectedCall>>("GET", withQuery(`${env(environmentId)}/rejected`, query)),
  kept: (environmentId: string, query: Query) => call<Page<KeptEvent>>("GET", withQuery(`${env(environmentId)}/kept`, query)),
  /** The receiver's delivery operations, which take the console session as they take the API key. */
  subscriptions: (environmentId: string) => call<{ data: Subscription[] }>("GET", subscriptions(environmentId)),
  deliveries: (environmentId: string, subscriptionId: string, query: Query) =>
    call<Page<Delivery>>("GET", withQuery(`${subscriptions(environmentId)}/${encodeURIComponent(subscriptionId)}/deliveries`, query)),
  retry: (environmentId: string, subscriptionId: string, deliveryId: string) =>
    call<{ id: string; state: "pending" }>("POST", `${subscriptions(environmentId)}/${encodeURIComponent(subscriptionId)}/deliveries/${encodeURIComponent(deliveryId)}/retry`),
  replay: (environmentId: string, subscriptionId: string, since: string) =>
    call<{ queued: number; complete: boolean }>("POST", `${subscriptions(environmentId)}/${encodeURIComponent(subscriptionId)}/replay`, { since }),
  /** The receiver's own timeline endpoint, which takes the console session as it takes the API key. */
  timeline: (environmentId: string, integrationId: string, messageId: string) =>
    call<{ data: Omit<ConsoleEvent, "cursor">[] }>(
      "GET",
      `/v2/inbound-webhooks/delivery-providers/${encodeURIComponent(environmentId)}/${encodeURIComponent(integrationId)}/messages/${encodeURIComponent(messageId)}/events`,
    ),
};
