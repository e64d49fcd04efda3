import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { basicAuth, everlyticTraffic, Random, send, sendgridTraffic, twilioTraffic, withDuplicates, type SendSummary, type SimulatedRequest } from "@tidings/simulator";
import { PAYLOAD_CONTENT_TYPES, type PayloadContentType } from "@tidings/everlytic";
import { UsageError } from "../usage-error.js";

export const simulateUsage = `tidings simulate everlytic|sendgrid|twilio --target <receiver url> [options]

Sends realistic, well-formed provider traffic to one integration's URL:
  --rate <req/s> (10; 0 = unthrottled)  --count <n> (100)  --concurrency <n> (16)
  --duplicates <0..1> re-delivery rate (0.1)  --seed <n> (replayable traffic)
  --auth <user:pass> basic auth  --api-key <key> (sent as Authorization: ApiKey <key>)
  everlytic: --field-set standard|legacy  --content-type json|form
  sendgrid:  --batch-size <n> (10)  --sign-with <PEM private key file>
  twilio:    --signing-key <Auth Token>  --url <the callback URL as Twilio calls it, which
             the signature covers> (default: --target; differs behind a proxy)
  --json prints the summary as JSON. Exits 1 unless every request got a 2xx answer.`;

/** --content-type values: the short names and the media types themselves. */
const CONTENT_TYPES: ReadonlyMap<string, PayloadContentType> = new Map([
  ["json", "application/json"],
  ["form", "application/x-www-form-urlencoded"],
  ...PAYLOAD_CONTENT_TYPES.map((type) => [type, type] as const),
]);

export async function simulate(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: "string" },
      rate: { type: "string", default: "10" },
      count: { type: "string", default: "100" },
      concurrency: { type: "string", default: "16" },
      duplicates: { type: "string", default: "0.1" },
      seed: { type: "string" },
      auth: { type: "string" },
      "api-key": { type: "string" },
      "field-set": { type: "string", default: "standard" },
      "content-type": { type: "string", default: "json" },
      "batch-size": { type: "string", default: "10" },
      "sign-with": { type: "string" },
      "signing-key": { type: "string" },
      url: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  const provider = positionals[0];
  if (values.help || provider === undefined) {
    console.log(simulateUsage);
    return values.help ? 0 : 2;
  }
  if (values.target === undefined) throw new UsageError("--target is required: the receiver URL of one integration");
  const number = (name: string, text: string, min: number, max: number): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
    return n;
  };
  const random = new Random(values.seed === undefined ? Date.now() : number("seed", values.seed, 0, 2 ** 32));
  const headers: Record<string, string> = values["api-key"] === undefined ? {} : { authorization: `ApiKey ${values["api-key"]}` };
  const auth = values.auth === undefined ? undefined : splitAuth(values.auth);
  let source: () => SimulatedRequest;
  if (provider === "everlytic") {
    const fieldSet = values["field-set"];
    if (fieldSet !== "standard" && fieldSet !== "legacy") throw new UsageError("--field-set must be standard or legacy");
    const contentType = CONTENT_TYPES.get(values["content-type"]);
    if (contentType === undefined) throw new UsageError("--content-type must be json or form");
    source = everlyticTraffic({ fieldSet, contentType, headers, ...(auth === undefined ? {} : { auth }) }, random);
  } else if (provider === "sendgrid") {
    const signWith = values["sign-with"] === undefined ? undefined : createPrivateKey(readFileSync(values["sign-with"], "utf8"));
    const extra = auth === undefined ? headers : { ...headers, authorization: basicAuth(auth.username, auth.password) };
    source = sendgridTraffic({ batchSize: number("batch-size", values["batch-size"], 1, 10_000), headers: extra, ...(signWith === undefined ? {} : { signWith }) }, random);
  } else if (provider === "twilio") {
    const url = values.url ?? values.target;
    if (!isHttpUrl(url)) throw new UsageError("--url must be an http(s) URL: the status callback URL as Twilio calls it");
    const signingKey = values["signing-key"];
    source = twilioTraffic({ url, headers, ...(signingKey === undefined ? {} : { signingKey }), ...(auth === undefined ? {} : { auth }) }, random);
  } else {
    throw new UsageError(`unknown provider "${provider}": everlytic, sendgrid or twilio`);
  }
  const count = number("count", values.count, 1, 10_000_000);
  const bar = process.stderr.isTTY && !values.json ? progressBar(count) : undefined;
  const summary = await send({
    target: values.target,
    next: withDuplicates(source, number("duplicates", values.duplicates, 0, 1), () => random.next()),
    count,
    rate: number("rate", values.rate, 0, 1_000_000),
    concurrency: number("concurrency", values.concurrency, 1, 1024),
    ...(bar === undefined ? {} : { onProgress: bar }),
  });
  if (bar !== undefined) process.stderr.write("\n");
  console.log(values.json ? JSON.stringify(summary) : describe(summary));
  const ok = Object.entries(summary.byStatus).every(([status]) => status.startsWith("2")) && summary.networkErrors === 0;
  return ok ? 0 : 1;
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

function splitAuth(text: string): { username: string; password: string } {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new UsageError("--auth must be user:password");
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function progressBar(total: number): (progress: SendSummary) => void {
  let last = 0;
  return (progress) => {
    const now = Date.now();
    if (now - last < 100 && progress.sent < total) return;
    last = now;
    const width = 30;
    const filled = Math.round((progress.sent / total) * width);
    const statuses = Object.entries(progress.byStatus).map(([status, n]) => `${status}:${n}`).join(" ");
    process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${progress.sent}/${total} ${statuses}`);
  };
}

function describe(summary: SendSummary): string {
  const seconds = summary.durationMs / 1000;
  const statuses = Object.entries(summary.byStatus).sort().map(([status, n]) => `  ${status}: ${n}`);
  return [
    `sent ${summary.sent} requests (${summary.duplicates} re-deliveries, ${summary.events} events) in ${seconds.toFixed(2)} s, ${(summary.sent / seconds).toFixed(1)} req/s`,
    "answers by status:",
    ...statuses,
    ...(summary.networkErrors > 0 ? [`  no answer: ${summary.networkErrors}`] : []),
    `results returned: ${summary.resultsReturned}`,
  ].join("\n");
}
