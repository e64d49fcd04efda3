// The receiver with a store that keeps nothing: everything a request costs except the commit.
// Beside the bare route and the real receiver, it splits the receiver's cost into the request path
// (HTTP, auth, engine, answer) and storage, in the same run.
import { startServer, type Store } from "@tidings/server";

const keepsNothing: Store = {
  claimIdempotencyKey: async () => ({ kind: "claimed" }),
  releaseIdempotencyKey: async () => undefined,
  commitAccepted: async () => undefined,
  recordRejected: async () => undefined,
  feed: async () => ({ data: [], next: null }),
  timeline: async () => [],
  ping: async () => undefined,
  close: async () => undefined,
};

const server = await startServer({ configPath: process.argv[2], store: keepsNothing, port: 0 });
process.stdout.write(`listening ${server.url}\n`);
process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
