import type { z } from "zod";
import { MAX_QUERY_VALUE } from "../receiver/feed-schemas.js";
import { CONSOLE_API, SESSION_PATH } from "./http.js";
import { MAX_CONSOLE_PAGE, MAX_STATS_DAYS, type EventsQuerySchema, type ListQuerySchema, type StatsQuerySchema } from "./schemas.js";

/** The console's endpoints in OpenAPI; the component schemas come from ./schemas.ts (see ../openapi.ts). */

type Ref = (id: string) => Record<string, unknown>;
type ErrorAnswer = (description: string) => Record<string, unknown>;
type Params<T extends z.ZodType> = Record<keyof z.input<T>, Record<string, unknown>>;

const text = (description: string, schema: Record<string, unknown> = {}) => ({ type: "string", maxLength: MAX_QUERY_VALUE, ...schema, description });
const integration = text("One integration of the environment (all when absent)");
const before = text("A cursor from an earlier answer: older items");
const limit = { type: "integer", minimum: 1, maximum: MAX_CONSOLE_PAGE, default: 50 };

/** Each table has one entry per key of its zod schema (a test holds them equal). */
export const CONSOLE_EVENTS_PARAMETERS: Params<typeof EventsQuerySchema> = {
  integration,
  status: text("One status, or several separated by commas"),
  since: text("Provider time (event.date) at or after this ISO 8601 instant", { format: "date-time" }),
  until: text("Provider time before this ISO 8601 instant", { format: "date-time" }),
  q: text("An external id, correlation id or recipient, matched exactly", { minLength: 1 }),
  before,
  after: text("A cursor: newer events (what a live tail asks for); not with `before`"),
  limit,
};
export const CONSOLE_LIST_PARAMETERS: Params<typeof ListQuerySchema> = { integration, before, limit };
export const CONSOLE_STATS_PARAMETERS: Params<typeof StatsQuerySchema> = {
  integration,
  since: text("Start of the range (ISO 8601 instant), required", { format: "date-time" }),
  until: text(`End of the range, required; at most ${MAX_STATS_DAYS} days after since`, { format: "date-time" }),
  bucket: { type: "string", enum: ["hour", "day"], description: "Default: hour up to 7 days, day beyond" },
};

export function consolePaths(ref: Ref, errorAnswer: ErrorAnswer): Record<string, unknown> {
  const env = `${CONSOLE_API}/environments/{environmentId}`;
  const envParam = { name: "environmentId", in: "path", required: true, schema: { type: "string" }, description: "The environment the session (or API key) is for" };
  const query = (table: Record<string, Record<string, unknown>>, required: readonly string[] = []) =>
    Object.entries(table).map(([name, { description, ...schema }]) => ({ name, in: "query", required: required.includes(name), schema, description }));
  const security = [{ ConsoleSession: [] }, { ApiKey: [] }];
  const read = (operationId: string, summary: string, schema: string, parameters: unknown[]) => ({
    get: {
      operationId,
      summary,
      security,
      parameters: [envParam, ...parameters],
      responses: {
        "200": { description: summary, content: { "application/json": { schema: ref(schema) } } },
        "400": errorAnswer("Unknown parameter or bad value (each value at most 1024 characters)"),
        "401": errorAnswer("No session for this environment, and no API key of it"),
        "404": errorAnswer("Unknown environment or integration"),
        "503": errorAnswer("Storage unavailable"),
      },
    },
  });
  return {
    [SESSION_PATH]: {
      get: {
        operationId: "console_session",
        summary: "The console session this request carries",
        security: [{ ConsoleSession: [] }],
        responses: { "200": { description: "Signed in", content: { "application/json": { schema: ref("ConsoleSession") } } }, "401": errorAnswer("Not signed in") },
      },
      post: {
        operationId: "console_signIn",
        summary: "Signs in with an environment's API key: sets the session cookie (signed, httpOnly, SameSite=Strict) for that environment",
        requestBody: { required: true, content: { "application/json": { schema: ref("ConsoleSignIn") } } },
        responses: {
          "200": { description: "Signed in", content: { "application/json": { schema: ref("ConsoleSession") } } },
          "400": errorAnswer("Malformed body"),
          "401": errorAnswer("No environment has this key"),
          "415": errorAnswer("Not application/json"),
          "429": errorAnswer("Too many sign-in attempts from this address; see retry-after"),
        },
      },
      delete: { operationId: "console_signOut", summary: "Signs out: clears the session cookie", responses: { "204": { description: "Signed out" } } },
    },
    [`${env}/integrations`]: read("console_integrations", "The environment's integrations: URL, verification, last call, last 24 hours, set-up steps", "ConsoleIntegrations", []),
    [`${env}/events`]: read("console_events", "Events newest first, filtered; page back with `before`, tail with `after`", "ConsoleEvents", query(CONSOLE_EVENTS_PARAMETERS)),
    [`${env}/stats`]: read("console_stats", "Events per status per hour or day, from the roll-up", "ConsoleStats", query(CONSOLE_STATS_PARAMETERS, ["since", "until"])),
    [`${env}/rejected`]: read("console_rejected", "Refused calls, newest first, with their code, reason, headers (secrets redacted) and body", "ConsoleRejectedCalls", query(CONSOLE_LIST_PARAMETERS)),
    [`${env}/kept`]: read("console_kept", "Ignored and unmapped events, newest first, with their reasons", "ConsoleKeptEvents", query(CONSOLE_LIST_PARAMETERS)),
  };
}
