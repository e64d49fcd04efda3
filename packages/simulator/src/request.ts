/** One simulated webhook call. */
export interface SimulatedRequest {
  readonly contentType: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Events in the body (a SendGrid batch holds several). */
  readonly events: number;
  /** True when this is a re-delivery of an earlier request, byte for byte. */
  readonly duplicate: boolean;
}

/** Re-delivers an earlier request with probability `rate`, as providers do when they retry. */
export function withDuplicates(source: () => SimulatedRequest, rate: number, random: () => number): () => SimulatedRequest {
  const sent: SimulatedRequest[] = [];
  return () => {
    if (sent.length > 0 && random() < rate) return { ...sent[Math.floor(random() * sent.length)]!, duplicate: true };
    const request = source();
    if (sent.length < 10_000) sent.push(request);
    return request;
  };
}

/** The Authorization header for HTTP basic auth, as providers send it. */
export { basicAuthHeader as basicAuth } from "@tidings/core";
