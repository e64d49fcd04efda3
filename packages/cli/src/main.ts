#!/usr/bin/env node
// tsyringe (used by the host packages) needs the Reflect metadata polyfill before it loads.
import "reflect-metadata";
import { conformance, conformanceUsage } from "./commands/conformance.js";
import { UsageError } from "./usage-error.js";

const USAGE = `tidings <command> [options]

Commands:
  serve                   start the receiver (TIDINGS_CONFIG, TIDINGS_DB, PORT, HOST, TIDINGS_CREATE_DB)
  conformance [paths...]  run fixtures against plugins
  everlytic ...           manage Everlytic webhooks; connect one to a Tidings integration
  simulate ...            send realistic Everlytic or SendGrid traffic to a receiver
  plugin new <id>         scaffold a provider plugin package
  subscriptions test <id> send a signed test event to a subscription's URL

Run "tidings <command> --help" for a command's options.

${conformanceUsage}`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  conformance: async () => conformance,
  serve: async () => (await import("./commands/serve.js")).serve,
  everlytic: async () => (await import("./commands/everlytic.js")).everlytic,
  simulate: async () => (await import("./commands/simulate.js")).simulate,
  plugin: async () => (await import("./commands/plugin.js")).plugin,
  subscriptions: async () => (await import("./commands/subscriptions.js")).subscriptions,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(USAGE);
    return name === undefined ? 1 : 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    console.error(`tidings: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || (error as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS");
    console.error(`tidings: ${(error as Error)?.message ?? String(error)}`);
    process.exitCode = usage ? 2 : 1;
  },
);
