import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { z } from "zod";

/** The `z` namespace of zod. */
export type Zod = typeof z;

let loaded: Zod | undefined;

/**
 * zod, loaded on first use rather than at import: loading it is most of a cold start
 * (BENCHMARKS.md), and normalizing a webhook needs no zod schema. It is required as the ES module
 * an `import "zod"` gives (Node >= 20.19 requires ES modules), so it is the same instance; where
 * that module cannot be located, zod's CommonJS build, whose schemas mix with the other's (zod
 * keeps its registry and configuration on globalThis).
 */
export function loadZod(): Zod {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    loaded = (require(zodModulePath()) as { z: Zod }).z;
  }
  return loaded;
}

function zodModulePath(): string {
  try {
    return fileURLToPath(import.meta.resolve("zod"));
  } catch {
    return "zod";
  }
}

/** What core asks of a schema: zod's `safeParse` and `parse`. Zod schemas and lazy schemas both have them. */
export interface SchemaLike<T> {
  safeParse(value: unknown): z.ZodSafeParseResult<T>;
  parse(value: unknown): T;
}

/**
 * A zod schema built on first use. A plugin's credentials are one: defining them must not load
 * zod at import. A lazy schema may also have a plain-code check that vouches for the values it
 * can (see Vouch), so that the common configurations are checked without loading zod at all.
 */
export interface LazySchema<S extends z.ZodType> extends SchemaLike<z.output<S>> {
  /** The zod schema; the first access loads zod and builds it. */
  readonly schema: S;
  /** zod's `refine`, applied when the schema is built. */
  refine(check: (value: z.output<S>) => unknown, params: { path?: PropertyKey[]; message: string }): LazySchema<S>;
}

/** What a schema parses to, for zod and lazy schemas alike. */
export type Infer<S> = S extends LazySchema<infer Inner> ? z.output<Inner> : S extends z.ZodType ? z.output<S> : never;

/**
 * Plain code that vouches for a value: what the zod schema would parse it to, when it is sure the
 * schema accepts it, else undefined, and zod decides (and words the errors). It must never vouch
 * for a value zod refuses, nor give other data; a property test holds credentialsSchema's to that.
 */
export type Vouch<T> = (value: unknown) => { readonly data: T } | undefined;

export function lazySchema<S extends z.ZodType>(build: (z: Zod) => S, vouch?: Vouch<z.output<S>>): LazySchema<S> {
  let built: S | undefined;
  const schema = (): S => (built ??= build(loadZod()));
  return Object.freeze({
    get schema() {
      return schema();
    },
    safeParse: (value: unknown): z.ZodSafeParseResult<z.output<S>> => {
      const sure = vouch?.(value);
      return sure === undefined ? (schema().safeParse(value) as z.ZodSafeParseResult<z.output<S>>) : { success: true, data: sure.data };
    },
    parse: (value: unknown): z.output<S> => {
      const sure = vouch?.(value);
      return sure === undefined ? (schema().parse(value) as z.output<S>) : sure.data;
    },
    refine: (check: (value: z.output<S>) => unknown, params: { path?: PropertyKey[]; message: string }) =>
      lazySchema(
        () => schema().refine(check, params) as unknown as S,
        vouch &&
          ((value: unknown) => {
            const sure = vouch(value);
            return sure !== undefined && check(sure.data) ? sure : undefined;
          }),
      ),
  });
}

/** The zod schema behind a schema core was given: itself, or a lazy schema's, built now. */
export function zodSchemaOf<T>(schema: SchemaLike<T>): z.ZodType<T> {
  return (isLazySchema(schema) ? schema.schema : schema) as z.ZodType<T>;
}

function isLazySchema(schema: SchemaLike<unknown>): schema is LazySchema<z.ZodType> {
  // Every zod schema carries its internals under `_zod`; a lazy one has none until built.
  return !("_zod" in schema);
}
