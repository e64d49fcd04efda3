import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { jsonSchemaOf, type PublishedSchemaName } from "./json-schemas.js";

/**
 * Compiled ajv validators for the hot path (several times faster than zod's safeParse), built
 * from the same generated JSON Schemas that are published, so both agree by construction.
 */
const ajv = new Ajv2020({ allErrors: false, strict: true });
const compiled = new Map<PublishedSchemaName, ValidateFunction>();

export function validatorFor(name: PublishedSchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (validate === undefined) {
    validate = ajv.compile(jsonSchemaOf(name));
    compiled.set(name, validate);
  }
  return validate;
}

/** The first validation error as one readable line, or undefined when `validate` passed. */
export function firstError(validate: ValidateFunction): string | undefined {
  const error = validate.errors?.[0];
  if (error === undefined) return undefined;
  return `${error.instancePath || "(root)"} ${error.message ?? "is invalid"}`;
}
