// Peak memory while normalizing one large SendGrid body, measured in a fresh process.
import { readFileSync } from "node:fs";
import { DEFAULT_DECODE_LIMITS, inboundRequest, normalize } from "@tidings/core";
import { sendgrid } from "@tidings/plugin-sendgrid";

const path = process.argv[2]!;
const body = readFileSync(path);
const request = inboundRequest({ headers: { "content-type": "application/json" }, body });
(globalThis as { gc?: () => void }).gc?.();
const before = process.memoryUsage().rss;
const outcome = normalize(sendgrid, request, { limits: { ...DEFAULT_DECODE_LIMITS, maxBytes: 1024 * 1024 * 1024, maxEvents: 1_000_000 } });
const peak = process.resourceUsage().maxRSS * 1024;
if (!outcome.ok) throw new Error(outcome.error.message);
process.stdout.write(`${JSON.stringify({ bodyBytes: body.byteLength, rssBefore: before, peakRss: peak, events: outcome.results.length + outcome.ignored.length })}\n`);
