import type { HostAction, HostServices } from "@tidings/core";
import type { HostLogger } from "./host-services.js";

export interface ActionOutcome {
  readonly kind: string;
  readonly description: string;
  readonly performed: boolean;
  /** Why it was not performed, or what went wrong. */
  readonly reason?: string;
}

export interface PerformOptions {
  /** The host's setting: when false, actions are logged and left undone. */
  readonly enabled: boolean;
  readonly logger?: HostLogger;
}

/**
 * Performs what plugins asked for after a request was stored, one action after the other. A
 * `confirm-subscription` is a GET of its URL under the same policy as every plugin fetch (https,
 * the action's allowed hosts, public addresses only, bounded size and time). Each outcome is
 * logged and returned; nothing here throws.
 */
export async function performActions(actions: readonly HostAction[], services: HostServices, options: PerformOptions): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  for (const action of actions) outcomes.push(await performOne(action, services, options));
  return outcomes;
}

async function performOne(action: HostAction, services: HostServices, { enabled, logger }: PerformOptions): Promise<ActionOutcome> {
  const base = { kind: String(action.kind), description: String(action.description) };
  const where = { ...base, url: withoutQuery(action.url) };
  const done = (performed: boolean, reason?: string): ActionOutcome => {
    if (performed) logger?.info(where, "performed a plugin's host action");
    else logger?.warn({ ...where, reason }, "did not perform a plugin's host action");
    return reason === undefined ? { ...base, performed } : { ...base, performed, reason };
  };
  if (!enabled) return done(false, "host actions are turned off in the configuration");
  if (action.kind !== "confirm-subscription") return done(false, `unknown action kind ${base.kind}`);
  try {
    const answer = await services.fetchText(action.url, { allowedHosts: action.allowedHosts, purpose: action.description });
    return answer.ok ? done(true) : done(false, answer.reason);
  } catch (thrown) {
    return done(false, `the host services threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  }
}

/** SNS's SubscribeURL carries the confirmation token in its query; logs keep the rest. */
function withoutQuery(url: unknown): string {
  const text = String(url);
  const cut = text.search(/[?#]/);
  return cut === -1 ? text : text.slice(0, cut);
}
