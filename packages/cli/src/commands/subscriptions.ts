import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { DELIVERY_DEFAULTS, DEMO_CONFIG_PATH, loadConfig, sendTestDelivery } from "@tidings/server";
import { UsageError } from "../usage-error.js";

export const subscriptionsUsage = `tidings subscriptions test <id> [--config FILE] [--timeout-ms N]

Sends one signed test event (type "tidings.test") to the subscription's URL, as the receiver
would (Standard Webhooks headers, the same address policy), and prints the outcome: the status,
the latency and the start of the answer. Exits 0 on a 2xx answer, 1 otherwise.`;

export async function subscriptions(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: "string" }, "timeout-ms": { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(subscriptionsUsage);
    return 0;
  }
  const [action, id, ...extra] = positionals;
  if (action !== "test" || id === undefined || extra.length > 0) throw new UsageError(`expected "subscriptions test <id>"\n\n${subscriptionsUsage}`);
  const timeoutMs = values["timeout-ms"] === undefined ? DELIVERY_DEFAULTS.timeoutMs : Number(values["timeout-ms"]);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new UsageError("--timeout-ms is a positive integer");
  const config = await loadConfig(values.config ?? process.env.TIDINGS_CONFIG ?? DEMO_CONFIG_PATH);
  const subscription = config.subscriptions.find((s) => s.id === id);
  if (subscription === undefined) {
    const known = config.subscriptions.map((s) => s.id);
    throw new UsageError(`no subscription "${id}" in ${config.source}${known.length === 0 ? " (it has none)" : ` (it has: ${known.join(", ")})`}`);
  }
  const outcome = await sendTestDelivery(subscription, { timeoutMs, messageId: `msg_test_${randomUUID()}` });
  const lines = [`POST ${subscription.url.href}`, `  webhook-id: ${outcome.messageId}`];
  if (outcome.result.ok) {
    lines.push(`  answered ${outcome.result.statusCode} in ${outcome.latencyMs} ms`);
    if (outcome.result.response !== "") lines.push(`  body: ${outcome.result.response}`);
  } else {
    lines.push(`  no answer after ${outcome.latencyMs} ms: ${outcome.result.error}`);
  }
  const delivered = outcome.result.ok && outcome.result.statusCode >= 200 && outcome.result.statusCode < 300;
  lines.push(delivered ? "delivered" : "not delivered: the receiver would retry this");
  console.log(lines.join("\n"));
  return delivered ? 0 : 1;
}
