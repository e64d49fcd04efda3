/**
 * What a plugin may ask its host for. Plugins do no I/O: Amazon SNS signs with an X.509
 * certificate published at a URL, so the SES plugin asks the host for that certificate. The host
 * decides how (https only, allow-listed host names, bounded size and time, cached, never a private
 * address) and may answer from configuration instead, so tests and air-gapped deployments work.
 */
export interface HostServices {
  /**
   * The text at `url` (a PEM certificate), or a refusal with the reason. `allowedHosts` are the
   * plugin's patterns for acceptable host names: exact names, or `*` standing for one DNS label
   * (`sns.*.amazonaws.com`).
   */
  fetchText(url: string, policy: FetchPolicy): Promise<FetchTextResult>;
}

export interface FetchPolicy {
  readonly allowedHosts: readonly string[];
  /** What the text is for, for logs and error messages ("SNS signing certificate"). */
  readonly purpose: string;
}

export type FetchTextResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/** For hosts that offer nothing (the synchronous engine, most embedders): every fetch is refused. */
export const NO_HOST_SERVICES: HostServices = Object.freeze({
  fetchText: async (url: string) => ({ ok: false as const, reason: `this host fetches nothing (asked for ${url})` }),
});

/** True when `hostname` matches one of the patterns (`*` is exactly one DNS label), case-insensitively. */
export function hostAllowed(hostname: string, patterns: readonly string[]): boolean {
  const labels = hostname.toLowerCase().split(".");
  return patterns.some((pattern) => {
    const wanted = pattern.toLowerCase().split(".");
    return wanted.length === labels.length && wanted.every((label, i) => label === "*" ? /^[a-z0-9-]+$/.test(labels[i]!) : label === labels[i]);
  });
}
