/** What the HTTP layer hands the receiver and takes back: no framework types cross this line. */
export interface ReceiverRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly rawBody: Uint8Array;
  /** The environment of the caller's console session, when the HTTP layer verified one. */
  readonly sessionEnvironmentId?: string;
}

export interface ReceiverResponse {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON text. */
  readonly body: string;
}
