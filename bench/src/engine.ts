import { generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import { inboundRequest, normalize } from "@tidings/core";
import { everlyticStandard } from "@tidings/plugin-everlytic-standard";
import { sendgrid } from "@tidings/plugin-sendgrid";
import { sendgridSignatureHeaders } from "@tidings/simulator";
import { paired, type Paired } from "./measure.js";
import { EVERLYTIC_CREDENTIALS, everlyticPayloads, everlyticRequests, NOW, sendgridBatch } from "./workloads.js";

export interface EngineRow extends Paired {
  readonly name: string;
  readonly baseline: string;
  /** Counted in engineRatio (JSON bodies against JSON.parse of the same bytes). */
  readonly counted: boolean;
}

/** Normalizing a body against parsing the same bytes, per plugin and encoding. */
export function engineFigures(rounds: number): EngineRow[] {
  const rows: EngineRow[] = [];
  const batch = sendgridBatch(1000);
  const batchRequest = inboundRequest({ headers: { "content-type": "application/json" }, body: batch });
  const parseBatch = () => JSON.parse(batch.toString("utf8"));
  rows.push({
    name: "sendgrid: 1,000-event batch",
    baseline: "JSON.parse",
    counted: true,
    ...paired(parseBatch, () => normalize(sendgrid, batchRequest, { now: NOW }), rounds),
  });

  const payloads = everlyticPayloads(1000);
  const json = everlyticRequests(payloads, "json");
  const form = everlyticRequests(payloads, "form");
  const credentials = { credentials: EVERLYTIC_CREDENTIALS, now: NOW };
  const parseEach = (requests: typeof json) => () => {
    for (const request of requests) JSON.parse(Buffer.from(request.rawBody).toString("utf8"));
  };
  const normalizeEach = (requests: typeof json) => () => {
    for (const request of requests) normalize(everlyticStandard, request, credentials);
  };
  rows.push({ name: "everlytic-standard: 1,000 JSON requests", baseline: "JSON.parse", counted: true, ...paired(parseEach(json), normalizeEach(json), rounds) });
  rows.push({
    name: "everlytic-standard: 1,000 form requests",
    baseline: "URLSearchParams",
    counted: false,
    ...paired(
      () => {
        for (const request of form) for (const _ of new URLSearchParams(Buffer.from(request.rawBody).toString("utf8")));
      },
      normalizeEach(form),
      rounds,
    ),
  });
  return rows;
}

/** Tidings' SendGrid plugin (verifying a signature) against Novu's published SendGrid parser, same batch. */
export function novuFigure(rounds: number): Paired {
  const require = createRequire(import.meta.url);
  const { SendgridEmailProvider } = require("@novu/providers") as {
    SendgridEmailProvider: new (config: { apiKey: string; from: string; senderName: string }) => {
      getMessageId(body: unknown): string[];
      parseEventBody(body: unknown, id: string): unknown;
    };
  };
  const novu = new SendgridEmailProvider({ apiKey: "SG.bench", from: "bench@example.com", senderName: "bench" });
  const batch = sendgridBatch(1000);
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const timestamp = String(Math.floor(NOW.getTime() / 1000));
  const request = inboundRequest({ headers: { "content-type": "application/json", ...sendgridSignatureHeaders(batch, privateKey, timestamp) }, body: batch });
  const credentials = { publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64") };
  const tidings = () => {
    const outcome = normalize(sendgrid, request, { credentials, now: NOW });
    if (!outcome.ok || !outcome.verified) throw new Error("the signed batch did not verify");
  };
  // What Novu's inbound route does with a batch: parse, one id per event, then parseEventBody per id.
  const novuRun = () => {
    const body = JSON.parse(batch.toString("utf8"));
    for (const id of novu.getMessageId(body)) novu.parseEventBody(body, id);
  };
  return paired(novuRun, tidings, rounds);
}
