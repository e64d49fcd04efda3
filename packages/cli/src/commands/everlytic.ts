import { parseArgs } from "node:util";
import { pairsOf, type BasicCredentials } from "@tidings/core";
import {
  DEFAULT_BASE_URL,
  EVENT_TYPES,
  EverlyticApiError,
  EverlyticClient,
  EverlyticValidationError,
  requestWarnings,
  type FieldSet,
  type PreparedRequest,
  type Webhook,
  type WebhookRequest,
} from "@tidings/everlytic";
import { DEMO_CONFIG_PATH, inboundPath, integrationKey, loadConfig } from "@tidings/server";
import { UsageError } from "../usage-error.js";

export const everlyticUsage = `tidings everlytic webhooks create|list|get|update|delete|reprocess [options]
tidings everlytic connect --integration <envId>/<integrationId> --public-url <url> [options]

Account: --username/--api-key, or EVERLYTIC_USERNAME/EVERLYTIC_API_KEY. --base-url (${DEFAULT_BASE_URL}).
Webhook fields (create, update): --url --event-types sent,delivered,... --verb post
  --content-type application/json|application/x-www-form-urlencoded --field-set standard|legacy
  --auth-username --auth-password --include-html
Output: --json; --dry-run prints the request instead of sending it.
  list [--page N | --all]; get|update|delete <id>; reprocess re-queues failed deliveries (7 days).
connect registers a webhook whose URL, basic auth, field set and content type come from the Tidings
config (--config, else TIDINGS_CONFIG, else the demo config), updating one with the same URL if any.`;

const OPTIONS = {
  username: { type: "string" },
  "api-key": { type: "string" },
  "base-url": { type: "string" },
  url: { type: "string" },
  "event-types": { type: "string" },
  verb: { type: "string" },
  "content-type": { type: "string" },
  "field-set": { type: "string" },
  "auth-username": { type: "string" },
  "auth-password": { type: "string" },
  "include-html": { type: "boolean" },
  page: { type: "string" },
  all: { type: "boolean" },
  json: { type: "boolean" },
  "dry-run": { type: "boolean" },
  integration: { type: "string" },
  "public-url": { type: "string" },
  config: { type: "string" },
  help: { type: "boolean" },
} as const;

/** The Everlytic field set each Everlytic plugin reads. */
const FIELD_SET_OF_PLUGIN: ReadonlyMap<string, FieldSet> = new Map([
  ["everlytic-standard", "standard"],
  ["everlytic-legacy", "legacy"],
]);

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

export async function everlytic(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [group, operation, id] = positionals;
  if (values.help || group === undefined) {
    console.log(everlyticUsage);
    return values.help ? 0 : 2;
  }
  try {
    if (group === "connect") return await connect(values);
    if (group !== "webhooks") throw new UsageError(`unknown everlytic command "${group}"\n\n${everlyticUsage}`);
    return await webhooks(operation, id, values);
  } catch (thrown) {
    return report(thrown, values.json === true);
  }
}

async function webhooks(operation: string | undefined, id: string | undefined, values: Values): Promise<number> {
  const client = clientFrom(values);
  const needId = (): string => {
    if (id === undefined) throw new UsageError(`everlytic webhooks ${operation} needs a webhook id`);
    return id;
  };
  switch (operation) {
    case "create": {
      const request = webhookRequest(values);
      return print(values, client.prepareCreate(request), request, () => client.create(request));
    }
    case "update": {
      const request = webhookRequest(values);
      const webhookId = needId();
      return print(values, client.prepareUpdate(webhookId, request), request, () => client.update(webhookId, request));
    }
    case "list": {
      const webhooks = values.all ? await client.listAll() : (await client.list(values.page === undefined ? undefined : Number(values.page))).data;
      if (values.json) console.log(JSON.stringify(webhooks, null, 2));
      else for (const webhook of webhooks) console.log(describe(webhook));
      return 0;
    }
    case "get":
      return show(values, await client.get(needId()));
    case "delete": {
      const deleted = await client.delete(needId());
      console.log(values.json ? JSON.stringify({ status: deleted }) : deleted ? `deleted ${id}` : `nothing to delete for ${id}`);
      return deleted ? 0 : 1;
    }
    case "reprocess": {
      const status = await client.reprocessFailed();
      console.log(values.json ? JSON.stringify({ status }) : status ? "failed deliveries of the past 7 days re-queued" : "Everlytic did not re-queue anything");
      return status ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown webhooks operation "${operation ?? ""}"\n\n${everlyticUsage}`);
  }
}

/** Registers (or updates) the Everlytic webhook that matches one Tidings integration exactly. */
async function connect(values: Values): Promise<number> {
  const [environmentId, integrationId] = (values.integration ?? "").split("/");
  if (!environmentId || !integrationId) throw new UsageError("--integration must be <environmentId>/<integrationId>");
  if (values["public-url"] === undefined) throw new UsageError("--public-url is required: the address Everlytic can reach Tidings at");
  const configPath = values.config ?? process.env.TIDINGS_CONFIG ?? DEMO_CONFIG_PATH;
  const config = await loadConfig(configPath);
  const integration = config.integrations.get(integrationKey(environmentId, integrationId));
  if (integration === undefined) throw new UsageError(`${configPath} has no integration ${environmentId}/${integrationId}`);
  const fieldSet = FIELD_SET_OF_PLUGIN.get(integration.plugin.id);
  if (fieldSet === undefined) throw new UsageError(`integration ${values.integration} uses ${integration.plugin.id}, not an Everlytic plugin`);
  // The credentials passed the plugin's schema: one pair, or a rotation list whose last pair is the newest.
  const auth = pairsOf(integration.credentials as BasicCredentials | undefined)?.at(-1);
  if (auth === undefined) {
    throw new UsageError(`integration ${values.integration} has no basic auth credentials: Everlytic can only authenticate with basic auth, so set them in ${configPath}`);
  }
  const url = new URL(inboundPath(environmentId, integrationId), values["public-url"]).toString();
  const request = webhookRequest({
    ...values,
    url,
    verb: "post",
    "field-set": fieldSet,
    "auth-username": auth.username,
    "auth-password": auth.password,
  });
  const client = clientFrom(values);
  if (values["dry-run"]) {
    warn(request);
    return printDryRun(client.prepareCreate(request));
  }
  const existing = (await client.listAll()).find((webhook) => webhook.url === url);
  const webhook = existing === undefined ? await client.create(request) : await client.update(existing.id, request);
  warn(request);
  if (values.json) console.log(JSON.stringify({ action: existing === undefined ? "created" : "updated", webhook }, null, 2));
  else console.log(`${existing === undefined ? "created" : "updated"} Everlytic webhook ${webhook.id} -> ${url} (${fieldSet}, ${request.content_type}, basic auth as ${auth.username})`);
  return 0;
}

function webhookRequest(values: Values): WebhookRequest {
  const request: Record<string, unknown> = {
    event_types: (values["event-types"] ?? EVENT_TYPES.join(",")).split(",").map((s) => s.trim()).filter(Boolean),
    url: values.url,
    verb: values.verb ?? "post",
    content_type: values["content-type"] ?? "application/json",
    field_set: values["field-set"] ?? "standard",
    settings: { include_html: values["include-html"] === true },
  };
  if (values["auth-username"] !== undefined || values["auth-password"] !== undefined) {
    request.auth_details = { username: values["auth-username"] ?? "", password: values["auth-password"] ?? "" };
    request.auth_type = "basic";
  }
  return request as unknown as WebhookRequest;
}

function clientFrom(values: Values): EverlyticClient {
  const username = values.username ?? process.env.EVERLYTIC_USERNAME;
  const apiKey = values["api-key"] ?? process.env.EVERLYTIC_API_KEY;
  if (!values["dry-run"] && (!username || !apiKey)) {
    throw new UsageError("Everlytic account credentials are needed: --username and --api-key, or EVERLYTIC_USERNAME and EVERLYTIC_API_KEY");
  }
  return new EverlyticClient({ username: username ?? "(username)", apiKey: apiKey ?? "(api key)", baseUrl: values["base-url"] ?? process.env.EVERLYTIC_BASE_URL ?? DEFAULT_BASE_URL });
}

async function print(values: Values, prepared: PreparedRequest, request: WebhookRequest, run: () => Promise<Webhook>): Promise<number> {
  warn(request);
  if (values["dry-run"]) return printDryRun(prepared);
  return show(values, await run());
}

/** The request that would be sent, with the account key and the webhook password masked. */
function printDryRun(prepared: PreparedRequest): number {
  const body = prepared.body?.auth_details === undefined ? prepared.body : { ...prepared.body, auth_details: { ...prepared.body.auth_details, password: "***" } };
  console.log(JSON.stringify({ ...prepared, headers: { ...prepared.headers, authorization: "Basic ***" }, body }, null, 2));
  return 0;
}

function show(values: Values, webhook: Webhook): number {
  console.log(values.json ? JSON.stringify(webhook, null, 2) : describe(webhook));
  return 0;
}

function describe(webhook: Webhook): string {
  const types = (webhook.event_types ?? []).join(",");
  return `${webhook.id}  ${webhook.status ?? "?"}  ${webhook.verb.toUpperCase()} ${webhook.url}  [${types}]  ${webhook.field_set ?? "standard"} ${webhook.content_type ?? ""}`;
}

function warn(request: WebhookRequest): void {
  for (const warning of requestWarnings(request)) process.stderr.write(`warning: ${warning}\n`);
}

function report(thrown: unknown, json: boolean): number {
  if (thrown instanceof EverlyticValidationError) {
    if (json) console.log(JSON.stringify(thrown.response, null, 2));
    else for (const e of thrown.response.error?.errors ?? []) process.stderr.write(`invalid request (${e.reason}): ${e.message}\n`);
    return 1;
  }
  if (thrown instanceof EverlyticApiError) {
    if (json) console.log(JSON.stringify({ status: thrown.status, message: thrown.message, errors: thrown.errors }, null, 2));
    else process.stderr.write(`Everlytic answered ${thrown.status}: ${thrown.message}${thrown.reasons.length ? ` (${thrown.reasons.join(", ")})` : ""}\n`);
    return 1;
  }
  throw thrown;
}
