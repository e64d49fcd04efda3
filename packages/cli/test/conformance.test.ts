import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conformance } from "../src/commands/conformance.js";
import { capture } from "./capture.js";

const FIXTURES = new URL("../../../fixtures/", import.meta.url).pathname;
const MAILGUN = new URL("../../../plugins/mailgun", import.meta.url).pathname;

describe("tidings conformance", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tidings-conf-"));
    const good = JSON.parse(readFileSync(join(FIXTURES, "sendgrid/delivered.json"), "utf8"));
    writeFileSync(join(dir, "good.json"), JSON.stringify(good));
    writeFileSync(join(dir, "wrong-status.json"), JSON.stringify({ ...good, name: "expects the wrong status", expect: { events: [{ status: "bounced" }] } }));
    writeFileSync(join(dir, "invalid.json"), JSON.stringify({ name: "no request", plugin: "sendgrid", provenance: "synthetic", expect: { events: [] } }));
    writeFileSync(join(dir, "unknown-plugin.json"), JSON.stringify({ ...good, plugin: "no-such-provider" }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes the repository's fixtures, the community-style Mailgun plugin loaded with --plugin", async () => {
    const result = await capture(() => conformance(["--plugin", MAILGUN, FIXTURES]));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^plugins: .*\nconformance: \d+ passed, 0 failed\n$/);
    expect(result.out).toContain("mailgun (contract v");
    expect(result.out).toContain("sendgrid (contract v2)");
  });

  it("reports each failing case with a readable diff and exits 1", async () => {
    const result = await capture(() => conformance([dir]));
    expect(result.code).toBe(1);
    expect(result.out).toContain('events[0].status: expected "bounced", got "delivered"');
    expect(result.out).toContain("not a valid fixture: (root) must have required property 'request'");
    expect(result.out).toContain('no plugin "no-such-provider" is loaded');
    expect(result.out).toMatch(/conformance: 1 passed, 3 failed\n$/);
  });

  it("writes JUnit XML and JSON for other CI systems", async () => {
    const junit = await capture(() => conformance(["--reporter", "junit", dir]));
    expect(junit.out).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuite name="tidings conformance" tests="4" failures="3">/);
    expect(junit.out.match(/<failure /g)).toHaveLength(3);
    const json = await capture(() => conformance(["--reporter", "json", dir]));
    expect(JSON.parse(json.out)).toMatchObject({ passed: 1, failed: 3 });
  });

  it("fails when it finds no fixtures at all", async () => {
    const empty = mkdtempSync(join(tmpdir(), "tidings-empty-"));
    const result = await capture(() => conformance([empty]));
    rmSync(empty, { recursive: true });
    expect(result.code).toBe(1);
    expect(result.out).toContain("no fixtures found");
  });
});
