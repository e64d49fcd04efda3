/**
 * One cold start, in a fresh process: `tidings` imports core and the SendGrid plugin and
 * normalizes one event; `tidings-credentials` also checks the integration's credentials first
 * (basic auth, as an embedder's createNormalizer does); `baseline` parses the same bytes with
 * JSON.parse. Prints the milliseconds from before the imports to after the first answer.
 */
const [which, body] = process.argv.slice(2);
const start = performance.now();
if (which === "tidings" || which === "tidings-credentials") {
  const { inboundRequest, normalize, parseCredentials } = await import("@tidings/core");
  const { sendgrid } = await import("@tidings/plugin-sendgrid");
  let credentials: unknown;
  if (which === "tidings-credentials") {
    const parsed = parseCredentials(sendgrid, { username: "tidings", password: "a-long-shared-secret" });
    if (!parsed.ok) throw new Error(parsed.message);
    credentials = parsed.credentials;
  }
  const headers = { "content-type": "application/json", authorization: `Basic ${Buffer.from("tidings:a-long-shared-secret").toString("base64")}` };
  const outcome = normalize(sendgrid, inboundRequest({ headers, body: body! }), { now: new Date(), credentials });
  if (!outcome.ok || outcome.results.length !== 1) throw new Error("the first normalize did not produce its one result");
} else {
  JSON.parse(body!);
}
process.stdout.write(`${JSON.stringify({ ms: performance.now() - start })}\n`);
