import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { basicAuth, everlyticTraffic, Random, send, sendgridTraffic } from "@tidings/simulator";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, DEMO_CONFIG_PATH, loadConfig, startServer, type RunningServer } from "../../src/index.js";
import { findChromium } from "./chromium.js";

/**
 * The console in a real browser (Debian's Chromium, driven by playwright-core): the receiver on
 * the demo config, simulated Everlytic and SendGrid traffic, then what an operator does. Screenshots
 * go to packages/server/test-output/console (git-ignored).
 */
const DEMO_KEY = "tidings-demo-api-key-change-me";
const SHOTS = fileURLToPath(new URL("../../test-output/console/", import.meta.url));
const browserFound = findChromium();
if ("missing" in browserFound && process.env.CI !== undefined && process.env.CI !== "") {
  throw new Error(`CI is set and the console's browser test cannot run: ${browserFound.missing}`);
}
const reason = "missing" in browserFound ? ` (skipped: ${browserFound.missing})` : "";

describe.skipIf("missing" in browserFound)(`the console in Chromium${reason}`, () => {
  let server: RunningServer;
  let dir: string;
  let browser: Browser;
  let page: Page;
  const inbound = (integration: string) => `${server.url}/v2/inbound-webhooks/delivery-providers/demo/${integration}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tidings-console-"));
    mkdirSync(SHOTS, { recursive: true });
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    server = await startServer({ config: await loadConfig(DEMO_CONFIG_PATH), database: join(dir, "tidings.db"), port: 0, host: "127.0.0.1", logger: createLogger({ level: "warn" }, quiet) });
    const random = new Random(7);
    const everlytic = await send({
      target: inbound("everlytic"),
      next: everlyticTraffic({ fieldSet: "standard", contentType: "application/json", auth: { username: "everlytic", password: "demo-webhook-password" } }, random),
      count: 40,
      rate: 0,
    });
    const sendgrid = await send({ target: inbound("sendgrid"), next: sendgridTraffic({ batchSize: 10, headers: { authorization: `ApiKey ${DEMO_KEY}` } }, random), count: 10, rate: 0 });
    expect(everlytic.byStatus).toEqual({ 200: 40 });
    expect(sendgrid.byStatus).toEqual({ 200: 10 });
    // A provider with the wrong password: refused, and kept for the Rejected page.
    const refused = await fetch(inbound("everlytic"), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basicAuth("everlytic", "not-the-password") },
      body: JSON.stringify({ id: "refused-1", type: "bounce", data: [] }),
    });
    expect(refused.status).toBe(401);
    browser = await chromium.launch({ executablePath: (browserFound as { path: string }).path, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a wrong key, then signs in with the demo key into an httpOnly, SameSite=Strict session", async () => {
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe("/console/");
    await page.getByLabel("Environment API key").fill("a-key-no-environment-holds");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("no environment has this API key");
    await page.getByLabel("Environment API key").fill(DEMO_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Integrations", level: 1 }).waitFor();
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: "tidings_console", httpOnly: true, sameSite: "Strict" });
    expect(await page.getByTestId("environment").textContent()).toBe("demo");
  });

  it("shows each demo integration with its URL, its verification and the last day's counts", async () => {
    const everlytic = page.locator('[data-integration="everlytic"]');
    await expect(everlytic.textContent()).resolves.toContain(inbound("everlytic"));
    await expect(everlytic.locator(".verification").textContent()).resolves.toBe("Basic auth");
    await expect(page.locator('[data-integration="sendgrid"] .verification').textContent()).resolves.toBe("API key only");
    await expect(everlytic.locator(".counts li").count()).resolves.toBeGreaterThan(0);
    await everlytic.getByText("Set-up steps at").click();
    await expect(everlytic.locator(".markdown").textContent()).resolves.toContain("tidings everlytic connect");
    await page.screenshot({ path: join(SHOTS, "integrations.png") });
  });

  it("lists the events newest first and filters them by status", async () => {
    await page.getByRole("link", { name: "Events", exact: true }).click();
    const rows = page.locator("table.events tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(50);
    const cursors = (await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-cursor")))));
    expect(cursors).toEqual([...cursors].sort((a, b) => b - a));
    await page.getByLabel("Status").selectOption("bounced");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/status=bounced/);
    await expect
      .poll(async () => {
        const statuses = await page.locator("table.events tbody tr .status").allTextContents();
        return statuses.length > 0 && statuses.every((status) => status === "bounced");
      })
      .toBe(true);
    await page.screenshot({ path: join(SHOTS, "events-bounced.png") });
  });

  it("opens an event, then its message's timeline", async () => {
    await page.locator("table.events tbody tr").first().getByRole("button").click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await expect(dialog.getByLabel("raw row").textContent()).resolves.toMatch(/^\{\n {2}"/);
    await page.screenshot({ path: join(SHOTS, "event.png") });
    await dialog.getByRole("link", { name: /timeline/ }).first().click();
    await page.getByRole("heading", { name: /Message/ }).waitFor();
    await page.locator(".timeline li").first().waitFor();
    const [integration, messageId] = new URL(page.url()).hash.replace("#/timeline/", "").split("/").map(decodeURIComponent);
    const timeline = await fetch(`${inbound(integration!)}/messages/${encodeURIComponent(messageId!)}/events`, { headers: { authorization: `ApiKey ${DEMO_KEY}` } });
    const expected = ((await timeline.json()) as { data: { event: { status: string } }[] }).data.map((item) => item.event.status);
    expect(expected.length).toBeGreaterThan(0);
    expect(await page.locator(".timeline li .status").allTextContents()).toEqual(expected);
    await page.screenshot({ path: join(SHOTS, "timeline.png") });
  });

  it("shows new events without a reload", async () => {
    await page.getByRole("link", { name: "Events", exact: true }).click();
    await page.locator("table.events tbody tr").first().waitFor();
    const before = await page.locator("table.events tbody tr").count();
    const random = new Random(99);
    await send({ target: inbound("sendgrid"), next: sendgridTraffic({ batchSize: 3, headers: { authorization: `ApiKey ${DEMO_KEY}` } }, random), count: 1, rate: 0 });
    await page.locator("table.events tbody tr.fresh").first().waitFor({ timeout: 10_000 });
    expect(await page.locator("table.events tbody tr").count()).toBeGreaterThan(before);
  });

  it("works from the keyboard: a skip link first, rows open with Enter, Escape returns to the row", async () => {
    await page.getByRole("link", { name: "Events", exact: true }).click();
    await page.reload();
    await page.locator("table.events tbody tr").first().waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent)).toBe("Skip to content");
    const opener = page.locator("table.events tbody tr").first().getByRole("button");
    await opener.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await expect(opener.evaluate((element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).resolves.toBe(true);
  });

  it("charts status over time", async () => {
    await page.getByRole("link", { name: "Status over time" }).click();
    await page.locator(".chart canvas").waitFor();
    const totals = await page.locator("table.totals tbody td").allTextContents();
    expect(totals.map(Number).reduce((a, b) => a + b, 0)).toBeGreaterThan(40);
    await page.screenshot({ path: join(SHOTS, "status.png") });
  });

  it("shows the refused call with its code, redacted headers and body", async () => {
    await page.getByRole("link", { name: "Rejected calls" }).click();
    const call = page.locator('[data-code="unauthorized"]').first();
    await call.waitFor();
    await call.getByText("Headers and body").click();
    const text = await call.textContent();
    expect(text).toContain("basic auth credentials do not match");
    expect(text).toContain("authorization: [redacted]");
    expect(text).toContain("refused-1");
    await page.screenshot({ path: join(SHOTS, "rejected.png"), fullPage: true });
  });

  it("fits a phone's width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("link", { name: "Events", exact: true }).click();
    await page.locator("table.events tbody tr").first().waitFor();
    const overflow = await page.locator("html").evaluate((html) => html.scrollWidth - html.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, "phone-events.png") });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("signs out: the session ends and the data is refused", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Environment API key").waitFor();
    expect(await page.context().cookies()).toEqual([]);
    const status = await page.evaluate(async () => (await fetch("/console/api/environments/demo/events")).status);
    expect(status).toBe(401);
    await page.screenshot({ path: join(SHOTS, "signed-out.png") });
  });
});
