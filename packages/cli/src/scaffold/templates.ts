/**
 * The files of a new plugin package. The result installs and passes its own tests as generated,
 * so an author starts from green and edits the mapping table and readers.
 */
export interface ScaffoldInput {
  readonly id: string;
  readonly displayName: string;
  /** How the package depends on @tidings/core (`file:/path/to/core`, or a version range). */
  readonly coreSpec: string;
  /** How it depends on @tidings/testkit, the same way. */
  readonly testkitSpec: string;
}

export function scaffoldFiles(input: ScaffoldInput): Record<string, string> {
  return {
    "package.json": packageJson(input),
    ".npmrc": "# A local @tidings/core or @tidings/testkit (file:) installs as a real package, so its peers resolve to this project's.\ninstall-links=true\n",
    ".gitignore": "node_modules/\ndist/\n",
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUncheckedIndexedAccess: true,
          declaration: true,
          outDir: "dist",
          rootDir: "src",
          skipLibCheck: true,
          types: ["node"],
        },
        include: ["src"],
      },
      null,
      2,
    )}\n`,
    "src/index.ts": pluginSource(input),
    "test/plugin.test.ts": testSource(input),
    "fixtures/delivered.json": fixture(input),
    "README.md": readme(input),
  };
}

function packageJson({ id, displayName, coreSpec, testkitSpec }: ScaffoldInput): string {
  return `${JSON.stringify(
    {
      name: `tidings-plugin-${id}`,
      version: "0.1.0",
      description: `${displayName} webhooks for Tidings`,
      type: "module",
      license: "MIT",
      exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
      engines: { node: ">=20.19" },
      files: ["dist", "fixtures", "README.md"],
      keywords: ["tidings-plugin"],
      scripts: { build: "tsc -p tsconfig.json", prepare: "tsc -p tsconfig.json", test: "vitest run" },
      dependencies: { "@tidings/core": coreSpec },
      peerDependencies: { zod: "^4.0.0" },
      devDependencies: {
        "@tidings/testkit": testkitSpec,
        "@types/node": "^20.19.0",
        "fast-check": "^4.10.2",
        typescript: "~5.9.3",
        vite: "8.3.8",
        vitest: "4.1.12",
        zod: "^4.6.7",
      },
    },
    null,
    2,
  )}\n`;
}

function pluginSource({ id, displayName }: ScaffoldInput): string {
  return `import { basicPairs, count, credentialsSchema, definePlugin, field, ignore, lower, text, textList, verifyBasicAuth, type Mapping } from "@tidings/core";

/**
 * ${displayName} webhooks. Replace the assumed payload below with what the provider documents,
 * and say in README.md which fields are documented and which assumed.
 *
 * Assumed payload: a JSON list of events
 *   { "event": "delivered", "event_id": "...", "message_id": "...", "timestamp": 1700000000, "attempt": 1, "reason": "...",
 *     "email": "...", "tags": ["..."] }
 */
export const EVENTS = ["queued", "delivered", "bounced", "opened", "clicked", "resubscribed"] as const;
export type ProviderEvent = (typeof EVENTS)[number];

/** Every documented event name maps to a status (docs: vocabulary.md) or to ignore(reason). */
export const MAPPING: Mapping<ProviderEvent> = {
  queued: "queued",
  delivered: "delivered",
  bounced: "bounced",
  opened: "opened",
  clicked: "clicked",
  resubscribed: ignore("the vocabulary has no status for opting back in"),
};

export const plugin = definePlugin({
  contractVersion: 2,
  id: "${id}",
  displayName: "${displayName}",
  contentTypes: ["application/json"],
  // The shared credential vocabulary: username/password (lists while rotating). Add
  // \`signingKey: "optional"\` and compose core's verifyHmac when the provider signs its calls.
  credentials: credentialsSchema({}),
  // Fail closed: with credentials configured, a call without them is refused.
  verify: ({ request, credentials }) => verifyBasicAuth(request, credentials === undefined ? undefined : basicPairs(credentials)),
  events: EVENTS,
  mapping: MAPPING,
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName: (raw) => lower(field(raw, "event")),
  read: {
    date: (raw) => {
      const timestamp = field(raw, "timestamp");
      return typeof timestamp === "number" ? timestamp * 1000 : undefined;
    },
    externalId: (raw) => text(field(raw, "message_id")),
    attempts: (raw) => count(field(raw, "attempt")),
    response: (raw) => text(field(raw, "reason")),
    // Stable across re-deliveries; without it the engine hashes the event.
    eventId: (raw) => text(field(raw, "event_id")),
    // Contract v2: who, why and whose, as far as the payload says.
    details: (raw) => ({
      recipient: text(field(raw, "email")),
      tags: textList(field(raw, "tags")),
    }),
  },
});

export default plugin;
`;
}

function testSource({ id }: ScaffoldInput): string {
  return `import fc from "fast-check";
import { testPlugin, type SuiteRequest } from "@tidings/testkit";
import { plugin } from "../src/index.js";

const CREDENTIALS = { username: "${id}", password: "webhook-secret" };
const AUTH = \`Basic \${Buffer.from(\`\${CREDENTIALS.username}:\${CREDENTIALS.password}\`).toString("base64")}\`;

/** Valid calls carrying events named \`name\` (a documented one, or any other for the unknown-name check). */
function requestFor(name: string): fc.Arbitrary<SuiteRequest> {
  const event = fc.record({
    event: fc.constant(name),
    event_id: fc.uuid(),
    message_id: fc.uuid(),
    timestamp: fc.integer({ min: 1_500_000_000, max: 1_900_000_000 }),
    attempt: fc.integer({ min: 1, max: 5 }),
    reason: fc.string({ maxLength: 20 }),
    email: fc.emailAddress(),
    tags: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }),
  });
  return fc.array(event, { minLength: 1, maxLength: 5 }).map((events) => ({
    contentType: "application/json" as const,
    body: JSON.stringify(events),
    headers: { authorization: AUTH },
  }));
}

testPlugin({ plugin, credentials: CREDENTIALS, requestFor });
`;
}

function fixture({ id }: ScaffoldInput): string {
  return `${JSON.stringify(
    {
      name: "a delivered event",
      plugin: id,
      provenance: "synthetic",
      source: "the assumed payload in src/index.ts; replace with the provider's documented example",
      credentials: { username: id, password: "webhook-secret" },
      request: {
        headers: { "content-type": "application/json", authorization: `Basic ${Buffer.from(`${id}:webhook-secret`).toString("base64")}` },
        body: [{ event: "delivered", event_id: "evt-1", message_id: "msg-1", timestamp: 1700000000, attempt: 1, reason: "250 OK", email: "a@example.com", tags: ["welcome"] }],
      },
      expect: {
        events: [
          { id: "evt-1", status: "delivered", date: "2023-11-14T22:13:20.000Z", externalId: "msg-1", attempts: 1, response: "250 OK", details: { recipient: "a@example.com", tags: ["welcome"] } },
        ],
        ignored: 0,
        unmapped: 0,
      },
    },
    null,
    2,
  )}\n`;
}

function readme({ id, displayName }: ScaffoldInput): string {
  return `# tidings-plugin-${id}

${displayName} webhooks for [Tidings](https://www.npmjs.com/package/@tidings/core): maps the provider's events to the
normalized vocabulary. Plugin id: \`${id}\`.

## Develop

\`\`\`sh
npm install        # also builds dist/
npm test           # the Tidings property suite over this plugin
pnpm tidings conformance --plugin <this folder>   # from a Tidings checkout: runs fixtures/
\`\`\`

## Mapping

| provider event | status |
| --- | --- |
| queued | queued |
| delivered | delivered |
| bounced | bounced |
| opened | opened |
| clicked | clicked |
| resubscribed | ignored |

## Fields: documented and assumed

| field | used as | documented or assumed (source) |
| --- | --- | --- |
| \`event\` | mapping key | assumed |
| \`event_id\` | result id | assumed |
| \`message_id\` | \`externalId\` | assumed |
| \`timestamp\` (unix seconds) | \`date\` | assumed |
| \`attempt\` | \`attempts\` | assumed |
| \`reason\` | \`response\` | assumed |
| \`email\` | \`details.recipient\` | assumed |
| \`tags\` | \`details.tags\` | assumed |

## Credentials

\`{ "username", "password" }\` (HTTP basic auth); either may be a list while rotating. The guide to
the contract (version 2: details, the credential vocabulary, the shared verification blocks) is
docs/plugins.md in the Tidings repository.
`;
}
