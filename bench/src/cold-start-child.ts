/**
 * One cold start, in a fresh process: `tidings` imports core and the SendGrid plugin and
 * normalizes one event; `baseline` parses the same bytes with JSON.parse. Prints the milliseconds
 * from before the imports to after the first answer.
 */
const [which, body] = process.argv.slice(2);
const start = performance.now();
if (which === "tidings") {
  const { inboundRequest, normalize } = await import("@tidings/core");
  const { sendgrid } = await import("@tidings/plugin-sendgrid");
  const outcome = normalize(sendgrid, inboundRequest({ headers: { "content-type": "application/json" }, body: body! }), { now: new Date() });
  if (!outcome.ok || outcome.results.length !== 1) throw new Error("the first normalize did not produce its one result");
} else {
  JSON.parse(body!);
}
process.stdout.write(`${JSON.stringify({ ms: performance.now() - start })}\n`);
