import type { z } from "zod";
import type { BasicCredential } from "../basic-auth.js";
import { lazySchema, type LazySchema, type Vouch, type Zod } from "../lazy-schema.js";

/**
 * The project's one credential vocabulary. Every plugin names the same thing the same way:
 * `username`/`password` for basic auth, `signingKey` for a shared HMAC secret, `publicKey` for a
 * provider's verification key, `url` for the URL a provider signs. Each secret may be a list, so a
 * customer can add the new secret before removing the old one. The schemas are built with zod on
 * first use (lazy-schema.ts), so defining a plugin loads no zod.
 */
function secretList(z: Zod, what: string) {
  const expected = `a string or a list of strings (${what})`;
  const empty = { error: `must not be empty (${what})` };
  const item = z.string({ error: `expected ${expected}` }).min(1, empty);
  return z.union([item, z.array(item, { error: `expected ${expected}` }).min(1, empty)], {
    error: (issue) => (issue.input === undefined ? `required: ${expected}` : `expected ${expected}`),
  });
}

function urlList(z: Zod, what: string) {
  const expected = `an http(s) URL or a list of them (${what})`;
  const item = z.url({ protocol: /^https?$/, error: `expected ${expected}` });
  return z.union([item, z.array(item, { error: `expected ${expected}` }).min(1, { error: `must not be empty (${what})` })], {
    error: (issue) => (issue.input === undefined ? `required: ${expected}` : `expected ${expected}`),
  });
}

/** One secret, or several for rotation. */
export type SecretList = string | string[];

type SecretListSchema = ReturnType<typeof secretList>;
type UrlListSchema = ReturnType<typeof urlList>;

/** The shared schemas a plugin's own fields may reuse (RingCentral's verification token is a SecretList). */
export interface SharedSchemas {
  /** One secret or several for rotation, described by `what` in errors. */
  secretList(what: string): SecretListSchema;
}

function sharedFields(z: Zod) {
  return {
    username: secretList(z, "the basic auth username, or one per password"),
    password: secretList(z, "the basic auth password, or one per username"),
    signingKey: secretList(z, "the webhook signing key"),
    publicKey: secretList(z, "the provider's public verification key"),
    url: urlList(z, "the webhook URL exactly as configured at the provider"),
  };
}

/** The shared fields in the order the schema's shape has them, which is the order of its output's keys. */
const SHARED_ORDER = ["username", "password", "signingKey", "publicKey", "url"] as const;
const SHARED_NAMES: ReadonlySet<string> = new Set(SHARED_ORDER);

const EMPTY: readonly string[] = Object.freeze([]);
const listsOfArrays = new WeakMap<readonly string[], readonly string[]>();
/** Keyed by configured secrets only, so it holds as many entries as the configuration has. */
const listsOfStrings = new Map<string, readonly string[]>();

/**
 * A configured SecretList as a list. The same input always gives the same frozen array, so caches
 * keyed by the list (matchesSecret's comparison forms, parsed keys) are built once and can never
 * go stale.
 */
export function asList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return EMPTY;
  if (typeof value === "string") {
    let list = listsOfStrings.get(value);
    if (list === undefined) listsOfStrings.set(value, (list = Object.freeze([value])));
    return list;
  }
  let list = listsOfArrays.get(value);
  if (list === undefined) listsOfArrays.set(value, (list = Object.freeze([...value])));
  return list;
}

export type Presence = "required" | "optional";

export interface CredentialSpec {
  readonly signingKey?: Presence;
  readonly publicKey?: Presence;
  readonly url?: Presence;
  /**
   * Fields only this plugin has (Mailgun's `maxAgeSeconds`), built from the zod it is given when
   * the schema is first used; they may not reuse the shared names. Each is optional, without a
   * default (the plugin applies its default where it reads the field), unless `requiredExtra`
   * names it; the schema checks this when it is built.
   */
  readonly extra?: (z: Zod, shared: SharedSchemas) => z.ZodRawShape;
  /** The `extra` fields that must be configured (SES's `topicArns`). */
  readonly requiredExtra?: readonly string[];
  /**
   * For providers that sign the URL they call (Twilio, Plivo, Mandrill): `signingKey` and `url`
   * are useless apart, so each is required with the other; the texts say why, for the error.
   */
  readonly signedUrl?: { readonly urlWhy: string; readonly signingKeyWhy: string };
}

interface SharedFields {
  readonly signingKey: SecretListSchema;
  readonly publicKey: SecretListSchema;
  readonly url: UrlListSchema;
}

/** The shared fields a spec names, required or optional as it says. */
type SharedShape<S extends CredentialSpec> = {
  [K in keyof SharedFields as S[K] extends Presence ? K : never]: S[K] extends "required" ? SharedFields[K] : z.ZodOptional<SharedFields[K]>;
};

type Shape<T> = T extends z.core.$ZodShape ? T : never;

export type CredentialShape<S extends CredentialSpec> = Shape<
  { username: z.ZodOptional<SecretListSchema>; password: z.ZodOptional<SecretListSchema> } & SharedShape<S> &
    (S["extra"] extends (...args: never[]) => infer Extra ? Extra : {})
>;

/**
 * A plugin's credentials schema: strict (a misspelled or foreign field is an error that lists the
 * accepted ones), with username/password always accepted and the shared fields the spec names.
 * Username and password go together; when both are lists of more than one they pair by position,
 * and a single one pairs with each of the other list.
 */
export function credentialsSchema<const S extends CredentialSpec>(spec: S): LazySchema<z.ZodObject<CredentialShape<S>, z.core.$strict>> {
  type Schema = z.ZodObject<CredentialShape<S>, z.core.$strict>;
  return lazySchema<Schema>((z) => buildCredentialsSchema(z, spec) as unknown as Schema, vouchForCredentials(spec) as Vouch<z.output<Schema>> | undefined);
}

/**
 * Vouches for credentials made of shared secret fields alone (basic auth pairs, a signing or
 * public key), the configurations most integrations have, so checking them loads no zod. URLs,
 * the plugin's own fields and anything doubtful go to the zod schema.
 */
export function vouchForCredentials(spec: CredentialSpec): Vouch<Record<string, string | string[]>> | undefined {
  if ((spec.requiredExtra?.length ?? 0) > 0) return undefined;
  const named = SHARED_ORDER.filter((name) => name === "username" || name === "password" || spec[name] !== undefined);
  const required = SHARED_ORDER.filter((name) => name !== "username" && name !== "password" && spec[name] === "required");
  return (value) => {
    if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    const given = value as Record<string, unknown>;
    const data: Record<string, string | string[]> = {};
    let fields = 0;
    for (const name of named) {
      if (!Object.hasOwn(given, name)) continue;
      const list = name === "url" ? undefined : secretListOf(given[name]);
      if (list === undefined) return undefined;
      data[name] = list;
      fields++;
    }
    if (fields !== Object.keys(given).length || required.some((name) => !Object.hasOwn(data, name))) return undefined;
    if (spec.signedUrl !== undefined && Object.hasOwn(data, "signingKey")) return undefined;
    return pairingProblem(data) === undefined ? { data } : undefined;
  };
}

/** A SecretList as its schema outputs it (a list is copied), or undefined when it is not one. */
function secretListOf(value: unknown): string | string[] | undefined {
  if (typeof value === "string") return value.length > 0 ? value : undefined;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string" || value[i] === "") return undefined;
  return [...(value as string[])];
}

function buildCredentialsSchema(z: Zod, spec: CredentialSpec): z.ZodType {
  const fields = sharedFields(z);
  const shape: Record<string, z.core.$ZodType> = { username: fields.username.optional(), password: fields.password.optional() };
  for (const name of ["signingKey", "publicKey", "url"] as const) {
    const presence = spec[name];
    if (presence !== undefined) shape[name] = presence === "required" ? fields[name] : fields[name].optional();
  }
  const extra = spec.extra?.(z, { secretList: (what) => secretList(z, what) }) ?? {};
  const requiredExtra = new Set(spec.requiredExtra);
  for (const [name, schema] of Object.entries(extra)) {
    if (SHARED_NAMES.has(name)) throw new Error(`credentialsSchema: "${name}" is a shared field; use the spec's own entry for it`);
    const absent = z.safeParse(schema, undefined);
    if (requiredExtra.has(name) === (absent.success && absent.data === undefined)) {
      throw new Error(`credentialsSchema: "${name}" must be ${requiredExtra.has(name) ? "required, as requiredExtra says" : "optional without a default, or listed in requiredExtra"}`);
    }
    shape[name] = schema;
  }
  for (const name of requiredExtra) if (!Object.hasOwn(extra, name)) throw new Error(`credentialsSchema: requiredExtra names "${name}", which extra does not define`);
  const accepted = Object.keys(shape).join(", ");
  return z
    .strictObject(shape, {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `unexpected ${issue.keys.length === 1 ? "field" : "fields"} ${issue.keys.map((key) => `"${key}"`).join(", ")}; the accepted fields are ${accepted}`
          : undefined,
    })
    .superRefine((value, context) => {
      const problem = pairingProblem(value as BasicFields);
      if (problem !== undefined) context.addIssue({ code: "custom", path: [problem.field], message: problem.message });
      const signed = spec.signedUrl;
      if (signed === undefined) return;
      const { signingKey, url } = value as { signingKey?: unknown; url?: unknown };
      if (signingKey !== undefined && url === undefined) context.addIssue({ code: "custom", path: ["url"], message: `required with signingKey: ${signed.urlWhy}` });
      if (url !== undefined && signingKey === undefined) context.addIssue({ code: "custom", path: ["signingKey"], message: `required with url: ${signed.signingKeyWhy}` });
    });
}

export interface BasicFields {
  readonly username?: string | readonly string[];
  readonly password?: string | readonly string[];
}

function pairingProblem({ username, password }: BasicFields): { field: "username" | "password"; message: string } | undefined {
  if (username === undefined && password !== undefined) return { field: "username", message: "required with password: basic auth needs both" };
  if (password === undefined && username !== undefined) return { field: "password", message: "required with username: basic auth needs both" };
  const users = asList(username);
  const passwords = asList(password);
  if (users.length > 1 && passwords.length > 1 && users.length !== passwords.length) {
    return {
      field: "password",
      message: `expected one password per username (${users.length}), paired by position, or a single password for all of them`,
    };
  }
  return undefined;
}

const pairsByCredentials = new WeakMap<object, BasicCredential[] | undefined>();

/**
 * The basic auth pairs of parsed credentials, for core's verifyBasicAuth (undefined when none are
 * configured). The same credentials object always gives the same array, which verifyBasicAuth's
 * own cache relies on.
 */
export function basicPairs(credentials: BasicFields): BasicCredential[] | undefined {
  if (pairsByCredentials.has(credentials)) return pairsByCredentials.get(credentials);
  const users = asList(credentials.username);
  const passwords = asList(credentials.password);
  let pairs: BasicCredential[] | undefined;
  if (users.length > 0 && passwords.length > 0) {
    const count = users.length === 1 || passwords.length === 1 ? Math.max(users.length, passwords.length) : Math.min(users.length, passwords.length);
    pairs = Array.from({ length: count }, (_, i) => ({ username: users[Math.min(i, users.length - 1)]!, password: passwords[Math.min(i, passwords.length - 1)]! }));
  }
  pairsByCredentials.set(credentials, pairs);
  return pairs;
}
