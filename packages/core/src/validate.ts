import { createRequire } from "node:module";
import type { Ajv2020 as Ajv2020Class, ValidateFunction } from "ajv/dist/2020.js";
import { jsonSchemaOf, type PublishedSchemaName } from "./json-schemas.js";

/**
 * Compiled ajv validators (several times faster than zod's safeParse), built from the same
 * generated JSON Schemas that are published, so both agree by construction. ajv is loaded and a
 * schema compiled on first use, not at import: together they take most of core's start-up time,
 * and the engine's per-event path only needs them when its plain checks (wire-checks.ts) say no.
 */
let ajv: Ajv2020Class | undefined;
const compiled = new Map<PublishedSchemaName, ValidateFunction>();

export function validatorFor(name: PublishedSchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (validate === undefined) {
    ajv ??= newAjv();
    validate = ajv.compile(jsonSchemaOf(name));
    compiled.set(name, validate);
  }
  return validate;
}

function newAjv(): Ajv2020Class {
  const { Ajv2020 } = createRequire(import.meta.url)("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  return new Ajv2020({ allErrors: false, strict: true });
}

/** The first validation error as one readable line, or undefined when `validate` passed. */
export function firstError(validate: ValidateFunction): string | undefined {
  const error = validate.errors?.[0];
  if (error === undefined) return undefined;
  return `${error.instancePath || "(root)"} ${error.message ?? "is invalid"}`;
}
