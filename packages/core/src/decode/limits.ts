/** Bounds on the work decoding may do; every decoder honours them so hostile bodies stay cheap. */
export interface DecodeLimits {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
  /**
   * Most form parameters (`a=1&b=2` is two). A multipart body may hold this many parts, and a file
   * part counts once per field of its description (name, type, size, text).
   */
  readonly maxFormParameters: number;
  /** Largest index a bracketed form list may use (`data[999]`); larger ones stay object keys. */
  readonly maxFormArrayIndex: number;
  /** Most raw events one request may carry; each costs an id, a row and a stored record. */
  readonly maxEvents: number;
  /** Longest text field of a multipart body, in bytes; a longer one is refused, never cut short. */
  readonly maxMultipartFieldBytes: number;
  /** Largest multipart file part whose content is kept as text; larger files are only described. */
  readonly maxMultipartFileTextBytes: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze({
  maxBytes: 5 * 1024 * 1024,
  maxDepth: 64,
  maxFormParameters: 10_000,
  maxFormArrayIndex: 1_000,
  maxEvents: 20_000,
  maxMultipartFieldBytes: 1024 * 1024,
  maxMultipartFileTextBytes: 64 * 1024,
});
