import { z } from "zod";
import { zodSchemaOf, type AnyPlugin } from "@tidings/core";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/**
 * Why `value` is not credentials `plugin` accepts: each problem at the JSON pointer of its field
 * (under `at`, the credentials' own pointer), then the shape the plugin expects. For a union of
 * shapes (one pair or a list of pairs, say) the problems are those of the alternative the value's
 * type matches, not zod's bare "Invalid input".
 */
export function credentialsProblems(plugin: AnyPlugin, value: unknown, at: string): string[] {
  const parsed = plugin.credentials.safeParse(value);
  const issues = parsed.success ? [] : closest(parsed.error.issues as Issue[], [], value);
  const problems = issues.map((issue) => `${at}${pointer(issue.path)}: ${issue.message}`);
  const shape = expectedShape(zodSchemaOf(plugin.credentials));
  return shape === undefined ? problems : [...problems, `expected: ${shape}`];
}

/** Issues with paths from the credentials' root; a union's replaced by those of its closest alternative. */
function closest(issues: readonly Issue[], base: Path, root: unknown): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code !== "invalid_union" || issue.errors.length === 0) return [{ ...issue, path } as Issue];
    // An alternative fits when the value has its type: none of its issues is a type mismatch at the union itself.
    const fitting = issue.errors.filter((branch) => !branch.some((inner) => inner.code === "invalid_type" && inner.path.length === 0));
    if (fitting.length === 0) return [{ ...issue, path, message: `${describeValue(valueAt(root, path))} is none of the accepted shapes` } as Issue];
    const best = fitting.reduce((a, b) => (b.length < a.length ? b : a));
    return closest(best, path, root);
  });
}

function pointer(path: Path): string {
  return path.map((part) => `/${String(part).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const part of path) value = typeof value === "object" && value !== null && Object.hasOwn(value, part) ? (value as Record<PropertyKey, unknown>)[part] : undefined;
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "a list" : `a ${typeof value}`;
}

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
}

/** The shape as one line, `{ "username": string, "password": string } or [...]`; undefined if zod cannot describe it. */
function expectedShape(schema: z.ZodType): string | undefined {
  try {
    return describeSchema(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema, 0);
  } catch {
    return undefined;
  }
}

function describeSchema(schema: JsonSchema, depth: number): string {
  if (depth > 4) return "...";
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return alternatives.map((alternative) => describeSchema(alternative, depth + 1)).join(" or ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  if (schema.type === "object") {
    const required = new Set(schema.required ?? []);
    const fields = Object.entries(schema.properties ?? {}).map(([name, field]) => `${JSON.stringify(name)}${required.has(name) ? "" : "?"}: ${describeSchema(field, depth + 1)}`);
    return `{ ${fields.join(", ")} }`;
  }
  if (schema.type === "array") return `[${describeSchema(schema.items ?? {}, depth + 1)}, ...]`;
  if (typeof schema.type === "string") return schema.type;
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  return "any value";
}
