import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FetchPolicy, HostAction, HostServices } from "@tidings/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performActions } from "../src/host/actions.js";
import { isPublicAddress } from "../src/host/address-policy.js";
import { createHostServices, type HostLogger, type HostServicesOptions } from "../src/host/host-services.js";
import { pinnedGet, Refused } from "../src/host/transport.js";

const POLICY: FetchPolicy = { allowedHosts: ["sns.*.amazonaws.com", "sns.*.amazonaws.com.cn"], purpose: "Amazon SNS signing certificate" };
const URL_OK = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem";
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const PUBLIC = "52.94.233.129";

interface Calls {
  lookups: string[];
  fetches: { url: string; init: RequestInit | undefined }[];
}

/** Host services over an injected DNS and fetch that record every call; nothing leaves the process. */
function harness(answer: (url: string, init: RequestInit | undefined) => Response | Promise<Response>, options: Partial<HostServicesOptions> & { addresses?: readonly string[] } = {}) {
  const calls: Calls = { lookups: [], fetches: [] };
  const services = createHostServices({
    lookup: async (hostname) => {
      calls.lookups.push(hostname);
      return options.addresses ?? [PUBLIC];
    },
    fetch: (async (url: string, init?: RequestInit) => {
      calls.fetches.push({ url, init });
      return answer(url, init);
    }) as typeof fetch,
    ...options,
  });
  return { services, calls };
}

const ok = () => new Response(PEM, { status: 200 });

describe("what may be fetched", () => {
  it("fetches an https URL on an allowed host, resolving its name first, without following redirects", async () => {
    const { services, calls } = harness(ok);
    expect(await services.fetchText(URL_OK, POLICY)).toEqual({ ok: true, text: PEM });
    expect(calls.lookups).toEqual(["sns.us-east-1.amazonaws.com"]);
    expect(calls.fetches).toHaveLength(1);
    expect(calls.fetches[0]!.url).toBe(URL_OK);
    expect(calls.fetches[0]!.init).toMatchObject({ method: "GET", redirect: "manual" });
    expect(calls.fetches[0]!.init?.signal).toBeInstanceOf(AbortSignal);
  });

  it.each([
    ["another host", "https://s3.amazonaws.com/SimpleNotificationService-abc.pem", "not allowed"],
    ["a look-alike host", "https://sns.us-east-1.amazonaws.com.attacker.example/x.pem", "not allowed"],
    ["http", "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", "only https"],
    ["another port", "https://sns.us-east-1.amazonaws.com:8443/x.pem", "default https port"],
    ["credentials in the URL", "https://user:pass@sns.us-east-1.amazonaws.com/x.pem", "credentials"],
    ["an address literal", "https://[::1]/x.pem", "not a host name"],
    ["not a URL", "sns.us-east-1.amazonaws.com/x.pem", "not a URL"],
  ])("refuses %s before any lookup or connection", async (_label, url, why) => {
    const { services, calls } = harness(ok);
    const result = await services.fetchText(url, POLICY);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toContain(why);
    expect(calls).toEqual({ lookups: [], fetches: [] });
  });

  it.each([["127.0.0.1"], ["10.1.2.3"], ["172.16.0.9"], ["192.168.1.1"], ["169.254.169.254"], ["100.64.0.1"], ["0.0.0.0"], ["224.0.0.251"], ["::1"], ["::"], ["fe80::1"], ["fe80::1%eth0"], ["fc00::1"], ["fd12:3456::1"], ["ff02::1"], ["::ffff:127.0.0.1"], ["::ffff:7f00:1"], ["::ffff:10.0.0.1"], ["64:ff9b::a00:1"], ["2001:db8::1"]])(
    "refuses a name that resolves to %s, without connecting",
    async (address) => {
      const { services, calls } = harness(ok, { addresses: [address] });
      const result = await services.fetchText(URL_OK, POLICY);
      expect(result).toMatchObject({ ok: false });
      expect(result.ok ? "" : result.reason).toContain("not a public address");
      expect(calls.fetches).toEqual([]);
    },
  );

  it("refuses a name whose addresses include a private one, even listed after a public one", async () => {
    const { services, calls } = harness(ok, { addresses: [PUBLIC, "10.0.0.1"] });
    expect(await services.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false });
    expect(calls.fetches).toEqual([]);
  });

  it("tells public addresses from the others", () => {
    for (const address of [PUBLIC, "8.8.8.8", "2600:1f18:4a3:6902::1", "::ffff:52.94.233.129", "64:ff9b::3401:e181", "[2a05:d018::1]"]) expect(isPublicAddress(address)).toBe(true);
    for (const address of ["127.0.0.1", "::1", "::127.0.0.1", "2002:7f00:1::1", "2001::1", "not an address", ""]) expect(isPublicAddress(address)).toBe(false);
  });
});

describe("bounded answers", () => {
  it("refuses a body beyond maxBytes, declared or streamed", async () => {
    const big = "x".repeat(70 * 1024);
    const declared = harness(() => new Response(big, { status: 200, headers: { "content-length": String(big.length) } }));
    expect(await declared.services.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false, reason: expect.stringContaining("larger than 65536 bytes") });
    const streamed = harness(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode("y".repeat(16 * 1024)));
              controller.close();
            },
          }),
          { status: 200 },
        ),
    );
    expect(await streamed.services.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false, reason: expect.stringContaining("larger than 65536 bytes") });
    const small = harness(() => new Response("z".repeat(100), { status: 200 }), { maxBytes: 100 });
    expect(await small.services.fetchText(URL_OK, POLICY)).toEqual({ ok: true, text: "z".repeat(100) });
  });

  it("refuses redirects and other statuses", async () => {
    const redirect = harness(() => new Response(null, { status: 302, headers: { location: "https://169.254.169.254/" } }));
    expect(await redirect.services.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false, reason: expect.stringContaining("redirect (302)") });
    expect(redirect.calls.fetches).toHaveLength(1);
    const missing = harness(() => new Response("no", { status: 404 }));
    expect(await missing.services.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false, reason: expect.stringContaining("answered 404") });
  });

  it("gives up after timeoutMs, whether the name or the server is slow", async () => {
    const hanging = (_url: string, init: RequestInit | undefined) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    const slowServer = harness(hanging, { timeoutMs: 50 });
    const started = Date.now();
    expect(await slowServer.services.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false, reason: expect.stringContaining("no answer within 50 ms") });
    expect(Date.now() - started).toBeLessThan(2_000);
    const slowName = createHostServices({ lookup: () => new Promise(() => undefined), fetch: (async () => ok()) as typeof fetch, timeoutMs: 50 });
    expect(await slowName.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false, reason: expect.stringContaining("no answer within 50 ms") });
  });

  it("turns a failing resolver or fetch into a refusal, never a throw", async () => {
    const noName = createHostServices({ lookup: () => Promise.reject(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" })) });
    expect(await noName.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false, reason: expect.stringContaining("ENOTFOUND") });
    const broken = harness(() => Promise.reject(new TypeError("fetch failed")));
    expect(await broken.services.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false, reason: expect.stringContaining("fetch failed") });
    const nothing = harness(ok, { addresses: [] });
    expect(await nothing.services.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false, reason: expect.stringContaining("no address") });
  });
});

describe("the cache", () => {
  it("answers a URL again from the cache until its TTL passes", async () => {
    let clock = 1_000_000;
    const { services, calls } = harness(ok, { now: () => clock, cacheTtlMs: 60_000 });
    await services.fetchText(URL_OK, POLICY);
    clock += 59_000;
    expect(await services.fetchText(URL_OK, POLICY)).toEqual({ ok: true, text: PEM });
    expect(calls.fetches).toHaveLength(1);
    clock += 2_000;
    await services.fetchText(URL_OK, POLICY);
    expect(calls.fetches).toHaveLength(2);
  });

  it("shares one fetch among concurrent requests for a URL", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { services, calls } = harness(async () => {
      await gate;
      return ok();
    });
    const pending = [services.fetchText(URL_OK, POLICY), services.fetchText(URL_OK, POLICY), services.fetchText(URL_OK, POLICY)];
    release();
    expect(await Promise.all(pending)).toEqual([{ ok: true, text: PEM }, { ok: true, text: PEM }, { ok: true, text: PEM }]);
    expect(calls.fetches).toHaveLength(1);
  });

  it("remembers a failure only for failureTtlMs", async () => {
    let clock = 0;
    let status = 500;
    const { services, calls } = harness(() => new Response(status === 200 ? PEM : "down", { status }), { now: () => clock, failureTtlMs: 30_000 });
    expect(await services.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false });
    status = 200;
    clock += 10_000;
    expect(await services.fetchText(URL_OK, POLICY)).toMatchObject({ ok: false });
    expect(calls.fetches).toHaveLength(1);
    clock += 21_000;
    expect(await services.fetchText(URL_OK, POLICY)).toEqual({ ok: true, text: PEM });
    expect(calls.fetches).toHaveLength(2);
  });

  it("keeps at most maxCacheEntries answers, dropping the oldest", async () => {
    const { services, calls } = harness(ok, { maxCacheEntries: 2 });
    const url = (n: number) => `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${n}.pem`;
    for (const n of [1, 2, 3, 3, 2]) await services.fetchText(url(n), POLICY);
    expect(calls.fetches.map((call) => call.url)).toEqual([url(1), url(2), url(3)]);
    await services.fetchText(url(1), POLICY);
    expect(calls.fetches).toHaveLength(4);
  });
});

describe("configured answers", () => {
  it("are given without any lookup or connection, and still only for an allowed URL", async () => {
    const services = createHostServices({
      certificates: { [URL_OK]: PEM, "https://s3.amazonaws.com/SimpleNotificationService-abc.pem": PEM },
      lookup: () => Promise.reject(new Error("no network in this test")),
      fetch: (() => Promise.reject(new Error("no network in this test"))) as typeof fetch,
    });
    expect(await services.fetchText(URL_OK, POLICY)).toEqual({ ok: true, text: PEM });
    expect(await services.fetchText("https://s3.amazonaws.com/SimpleNotificationService-abc.pem", POLICY)).toMatchObject({ ok: false });
  });
});

describe("performActions", () => {
  const confirm: HostAction = {
    kind: "confirm-subscription",
    url: "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:t&Token=secret-token",
    allowedHosts: POLICY.allowedHosts,
    description: "confirm the SNS subscription to arn:aws:sns:us-east-1:123456789012:t",
  };

  function recordingLogger(): HostLogger & { lines: { level: string; details: object; message: string }[] } {
    const lines: { level: string; details: object; message: string }[] = [];
    return { lines, info: (details, message) => lines.push({ level: "info", details, message }), warn: (details, message) => lines.push({ level: "warn", details, message }) };
  }

  it("GETs a confirmation URL under the action's hosts, and logs it without the token", async () => {
    const { services, calls } = harness(() => new Response("<ConfirmSubscriptionResponse/>", { status: 200 }));
    const logger = recordingLogger();
    const outcomes = await performActions([confirm], services, { enabled: true, logger });
    expect(outcomes).toEqual([{ kind: "confirm-subscription", description: confirm.description, performed: true }]);
    expect(calls.fetches.map((call) => call.url)).toEqual([confirm.url]);
    expect(logger.lines).toEqual([{ level: "info", details: expect.objectContaining({ url: "https://sns.us-east-1.amazonaws.com/" }), message: expect.any(String) }]);
    expect(JSON.stringify(logger.lines)).not.toContain("secret-token");
  });

  it("does nothing when actions are turned off, and refuses what the policy refuses", async () => {
    const off = harness(ok);
    expect(await performActions([confirm], off.services, { enabled: false })).toMatchObject([{ performed: false, reason: expect.stringContaining("turned off") }]);
    expect(off.calls.fetches).toEqual([]);
    const privateTarget = harness(ok, { addresses: ["10.0.0.7"] });
    expect(await performActions([confirm], privateTarget.services, { enabled: true })).toMatchObject([{ performed: false, reason: expect.stringContaining("not a public address") }]);
    const elsewhere = { ...confirm, url: "https://attacker.example/?Action=ConfirmSubscription" };
    expect(await performActions([elsewhere, { ...confirm, url: "http://sns.us-east-1.amazonaws.com/" }], privateTarget.services, { enabled: true })).toMatchObject([{ performed: false }, { performed: false }]);
    expect(privateTarget.calls.fetches).toEqual([]);
  });

  it("never throws: a failing or throwing host and an unknown kind are outcomes", async () => {
    const throwing: HostServices = { fetchText: () => Promise.reject(new Error("exploded")) };
    const unknown = { ...confirm, kind: "launch-rockets" } as unknown as HostAction;
    const outcomes = await performActions([confirm, unknown], throwing, { enabled: true });
    expect(outcomes).toMatchObject([
      { performed: false, reason: expect.stringContaining("exploded") },
      { performed: false, reason: expect.stringContaining("unknown action kind launch-rockets") },
    ]);
    const failing = harness(() => new Response("gone", { status: 410 }));
    expect(await performActions([confirm], failing.services, { enabled: true })).toMatchObject([{ performed: false, reason: expect.stringContaining("answered 410") }]);
  });
});

/** The pinned HTTPS GET against a local server with a certificate from a test CA, made with openssl. */
const OPENSSL = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!OPENSSL)("the pinned HTTPS GET (needs openssl to make a test certificate)", () => {
  const NAME = "sns.us-east-1.amazonaws.com";
  let dir: string;
  let ca: string;
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tidings-host-"));
    const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=Tidings test CA");
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${NAME}`);
    execFileSync("sh", ["-c", `printf 'subjectAltName=DNS:${NAME}\\n' > ext.cnf`], { cwd: dir });
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "ext.cnf");
    ca = readFileSync(join(dir, "ca.crt"), "utf8");
    server = createServer({ key: readFileSync(join(dir, "server.key")), cert: readFileSync(join(dir, "server.crt")) }, (request, response) => {
      hits.push(request.url ?? "");
      if (request.url === "/cert.pem") response.end(PEM);
      else if (request.url === "/redirect") response.writeHead(302, { location: "/cert.pem" }).end();
      else if (request.url === "/big") {
        const chunk = "b".repeat(8 * 1024);
        const write = () => {
          while (response.write(chunk)) if (response.writableLength > 1_000_000) break;
          if (!response.destroyed) setTimeout(write, 1);
        };
        write();
      }
      // "/slow": never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const at = (path: string, host = NAME) => new URL(`https://${host}:${port}${path}`);
  const signal = () => AbortSignal.timeout(2_000);

  it("connects to the given address whatever the name resolves to, and checks the certificate against the name", async () => {
    expect(await pinnedGet(at("/cert.pem"), "127.0.0.1", { signal: signal(), maxBytes: 65_536, ca })).toEqual({ status: 200, text: PEM });
    await expect(pinnedGet(at("/cert.pem", "sns.eu-west-1.amazonaws.com"), "127.0.0.1", { signal: signal(), maxBytes: 65_536, ca })).rejects.toThrow(/altnames|certificate/i);
    await expect(pinnedGet(at("/cert.pem"), "127.0.0.1", { signal: signal(), maxBytes: 65_536 })).rejects.toThrow(/certificate/i);
  });

  it("returns a redirect without following it", async () => {
    hits.length = 0;
    expect(await pinnedGet(at("/redirect"), "127.0.0.1", { signal: signal(), maxBytes: 65_536, ca })).toEqual({ status: 302, text: "" });
    expect(hits).toEqual(["/redirect"]);
  });

  it("stops reading beyond maxBytes, and stops waiting when the signal fires", async () => {
    await expect(pinnedGet(at("/big"), "127.0.0.1", { signal: signal(), maxBytes: 65_536, ca })).rejects.toBeInstanceOf(Refused);
    const started = Date.now();
    await expect(pinnedGet(at("/slow"), "127.0.0.1", { signal: AbortSignal.timeout(100), maxBytes: 65_536, ca })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
