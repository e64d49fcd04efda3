import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { basicAuth, everlyticTraffic, Random, send, sendgridTraffic } from "@tidings/simulator";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, DEMO_CONFIG_PATH, resolveConfig, startServer, type RunningServer } from "../../src/index.js";
import { SECRET, startEndpoint, type Endpoint } from "../endpoint.js";
import { findChromium } from "./chromium.js";

/**
 * The console in a real browser (Debian's Chromium, driven by playwright-core): the receiver on
 * the demo config, simulated Everlytic and SendGrid traffic, then what an operator does. Screenshots
 * go to packages/server/test-output/console (git-ignored).
 */
const DEMO_KEY = "tidings-demo-api-key-change-me";
const SHOTS = fileURLToPath(new URL("../../test-output/console/", import.meta.url));
/** Postmark's documented hard bounce (fixtures/postmark/bounce-hard.json), the one event the subscription takes. */
const BOUNCE = JSON.parse(readFileSync(new URL("../../../../fixtures/postmark/bounce-hard.json", import.meta.url), "utf8")) as { request: { rawBody: string } };
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
  let endpoint: Endpoint;
  /** What the subscriber's endpoint answers: 500 until the test switches it. */
  let answer = 500;
  const inbound = (integration: string) => `${server.url}/v2/inbound-webhooks/delivery-providers/demo/${integration}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tidings-console-"));
    mkdirSync(SHOTS, { recursive: true });
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    endpoint = await startEndpoint(() => answer);
    // The demo config with one subscription, to Postmark's events only, that gives up after two attempts.
    const demo = JSON.parse(readFileSync(DEMO_CONFIG_PATH, "utf8")) as Record<string, unknown>;
    const subscription = { id: "app", environmentId: "demo", url: endpoint.url, secret: SECRET, integrations: ["postmark"], allowPrivateNetwork: true, retrySchedule: [0] };
    const config = await resolveConfig({ ...demo, subscriptions: [subscription], delivery: { pollMs: 20 } }, DEMO_CONFIG_PATH);
    server = await startServer({ config, database: join(dir, "tidings.db"), port: 0, host: "127.0.0.1", logger: createLogger({ level: "warn" }, quiet) });
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
    await endpoint?.close();
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

  it("shows a subscription's dead delivery with its attempts, retries it, and replays from a time", async () => {
    const posted = await fetch(inbound("postmark"), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basicAuth("postmark", "demo-webhook-password") },
      body: BOUNCE.request.rawBody,
    });
    expect(posted.status).toBe(200);
    await page.getByRole("link", { name: "Deliveries" }).click();
    const card = page.locator('[data-subscription="app"]');
    await expect(card.textContent()).resolves.toContain(endpoint.url);
    // The page reads pending deliveries again until they settle: no reload, no sleep.
    const dead = page.locator('.deliveries [data-state="dead"]');
    await dead.waitFor();
    expect(await page.locator(".deliveries > li").count()).toBe(1);
    await expect(dead.locator("h3").textContent()).resolves.toContain("Bounce:4323372036854775807");
    expect(await dead.locator("table.attempts td.result").allTextContents()).toEqual(["500", "500"]);
    await expect(dead.locator("table.attempts pre").first().textContent()).resolves.toBe("answer 500 to attempt 1");
    await card.locator(".dead-count", { hasText: "1 dead" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "deliveries-dead.png"), fullPage: true });

    answer = 200;
    const id = await dead.getAttribute("data-delivery");
    await dead.getByRole("button", { name: /^Retry delivery/ }).click();
    const delivered = page.locator(`[data-delivery="${id}"][data-state="delivered"]`);
    await delivered.waitFor();
    expect(await delivered.locator("table.attempts td.result").allTextContents()).toEqual(["500", "500", "200"]);
    await card.locator(".dead-count", { hasText: "0 dead" }).waitFor();
    expect(endpoint.delivered()).toHaveLength(1);

    await page.getByLabel("State").selectOption("dead");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/#\/deliveries\/app\?state=dead$/);
    await page.getByText("No deliveries in state dead.").waitFor();
    await page.getByLabel("State").selectOption("");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.locator(`[data-delivery="${id}"]`).waitFor();
    await page.getByLabel("Replay events from").fill("2019-11-05T00:00:00");
    await page.getByRole("button", { name: "Replay…" }).click();
    const confirm = page.getByRole("dialog", { name: "Replay events to app?" });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Replay…" }).click();
    await confirm.getByRole("button", { name: "Replay" }).click();
    await expect(page.getByRole("status").filter({ hasText: "queued again" }).textContent()).resolves.toContain("1 delivery queued again");
    await page.locator('.deliveries [data-state="delivered"]').nth(1).waitFor();
    expect(new Set(endpoint.delivered()).size).toBe(2);
    await page.screenshot({ path: join(SHOTS, "deliveries.png"), fullPage: true });
  });

  it("fits a phone's width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("link", { name: "Events", exact: true }).click();
    await page.locator("table.events tbody tr").first().waitFor();
    const overflow = await page.locator("html").evaluate((html) => html.scrollWidth - html.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, "phone-events.png") });
    await page.getByRole("link", { name: "Deliveries" }).click();
    await page.locator('.deliveries [data-state="delivered"]').first().waitFor();
    expect(await page.locator("html").evaluate((html) => html.scrollWidth - html.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, "phone-deliveries.png"), fullPage: true });
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
