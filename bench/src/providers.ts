import { readdirSync, readFileSync } from "node:fs";
import { normalize, type AnyPlugin, type InboundRequest } from "@tidings/core";
import { fixtureRequest, FixtureSchema, type Fixture } from "@tidings/core/fixtures";
import { BUILTIN_PLUGINS } from "@tidings/server";
import { paired, type Paired } from "./measure.js";

export interface ProviderRow extends Paired {
  readonly plugin: string;
  readonly fixture: string;
  readonly baseline: "JSON.parse" | "URLSearchParams";
}

const FIXTURES = new URL("../../fixtures/", import.meta.url);
const REPEAT = 1000;

/**
 * One row per built-in plugin: its documented fixture with the most events, normalized 1,000
 * times against parsing the same bytes as many times (URLSearchParams for form bodies). Verification
 * is left out (`authenticated`): its cost is the provider's crypto, not the mapping, and the
 * SendGrid rows measure it on their own.
 */
export function providerFigures(rounds: number, only: readonly string[] = []): ProviderRow[] {
  const unknown = only.filter((id) => !BUILTIN_PLUGINS.some((plugin) => plugin.id === id));
  if (unknown.length > 0) throw new Error(`no built-in plugin ${unknown.join(", ")}`);
  return BUILTIN_PLUGINS.filter((plugin) => only.length === 0 || only.includes(plugin.id)).flatMap((plugin) => {
    const sample = documentedSample(plugin);
    return sample === undefined ? [] : [measure(plugin, sample.file, sample.fixture, rounds)];
  });
}

function measure(plugin: AnyPlugin, file: string, fixture: Fixture, rounds: number): ProviderRow {
  const request = fixtureRequest(fixture);
  const now = fixture.now === undefined ? new Date() : new Date(fixture.now);
  const form = request.contentType === "application/x-www-form-urlencoded";
  const text = Buffer.from(request.rawBody).toString("utf8");
  const parse = form ? () => [...new URLSearchParams(text)] : () => JSON.parse(text);
  const run = (req: InboundRequest) => {
    const outcome = normalize(plugin, req, { authenticated: true, now });
    if (!outcome.ok) throw new Error(`${plugin.id} ${file}: ${outcome.error.message}`);
  };
  return {
    plugin: plugin.id,
    fixture: file,
    baseline: form ? "URLSearchParams" : "JSON.parse",
    ...paired(
      () => {
        for (let i = 0; i < REPEAT; i++) parse();
      },
      () => {
        // A fresh request object each time, as each webhook call is: nothing is cached across calls.
        for (let i = 0; i < REPEAT; i++) run({ ...request });
      },
      rounds,
    ),
  };
}

function documentedSample(plugin: AnyPlugin): { file: string; fixture: Fixture } | undefined {
  let best: { file: string; fixture: Fixture; events: number } | undefined;
  let files: string[];
  try {
    files = readdirSync(new URL(`${plugin.id}/`, FIXTURES)).filter((name) => name.endsWith(".json")).sort();
  } catch {
    return undefined;
  }
  for (const file of files) {
    const parsed = FixtureSchema.safeParse(JSON.parse(readFileSync(new URL(`${plugin.id}/${file}`, FIXTURES), "utf8")));
    if (!parsed.success || parsed.data.provenance !== "documented" || !("events" in parsed.data.expect)) continue;
    const events = parsed.data.expect.events.length;
    if (events > 0 && (best === undefined || events > best.events)) best = { file, fixture: parsed.data, events };
  }
  return best;
}
