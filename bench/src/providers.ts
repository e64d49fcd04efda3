import { readdirSync, readFileSync } from "node:fs";
import { normalize, type AnyPlugin, type InboundRequest } from "@tidings/core";
import { fixtureRequest, FixtureSchema, type Fixture } from "@tidings/core/fixtures";
import { BUILTIN_PLUGINS } from "@tidings/server";
import { paired, type Paired } from "./measure.js";

export interface ProviderRow extends Paired {
  readonly plugin: string;
  readonly fixture: string;
  readonly baseline: "JSON.parse" | "URLSearchParams";
  /** The fixture's provenance: documented when the plugin has such a fixture, else captured, else synthetic. */
  readonly provenance: string;
}

const FIXTURES = new URL("../../fixtures/", import.meta.url);
const REPEAT = 1000;

/**
 * One row per built-in plugin: its documented fixture with the most events (else captured, else
 * synthetic, for providers that document no payload, as Plivo and Anypost), normalized 1,000
 * times against parsing the same bytes as many times (URLSearchParams for form bodies). Verification
 * is left out (`authenticated`): its cost is the provider's crypto, not the mapping, and the
 * SendGrid rows measure it on their own.
 */
export function providerFigures(rounds: number, only: readonly string[] = []): ProviderRow[] {
  const unknown = only.filter((id) => !BUILTIN_PLUGINS.some((plugin) => plugin.id === id));
  if (unknown.length > 0) throw new Error(`no built-in plugin ${unknown.join(", ")}`);
  return BUILTIN_PLUGINS.filter((plugin) => only.length === 0 || only.includes(plugin.id)).flatMap((plugin) => {
    const sample = sampleOf(plugin);
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
    provenance: fixture.provenance,
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

/** Provenances from least to most preferred as a provider's sample. */
const PREFERENCE = ["synthetic", "captured", "documented"];

function sampleOf(plugin: AnyPlugin): { file: string; fixture: Fixture } | undefined {
  let best: { file: string; fixture: Fixture; events: number; rank: number } | undefined;
  let files: string[];
  try {
    files = readdirSync(new URL(`${plugin.id}/`, FIXTURES)).filter((name) => name.endsWith(".json")).sort();
  } catch {
    return undefined;
  }
  for (const file of files) {
    const parsed = FixtureSchema.safeParse(JSON.parse(readFileSync(new URL(`${plugin.id}/${file}`, FIXTURES), "utf8")));
    if (!parsed.success || !("events" in parsed.data.expect)) continue;
    const events = parsed.data.expect.events.length;
    const rank = PREFERENCE.indexOf(parsed.data.provenance);
    const better = best === undefined || rank > best.rank || (rank === best.rank && events > best.events);
    if (events > 0 && better) best = { file, fixture: parsed.data, events, rank };
  }
  return best;
}
