// The weekly digest end to end: a real SMTP server (Debian's
// python3-aiosmtpd, tests/digest/smtp_server.py), `meridian serve --smtp`,
// Debian chromium. Sign up on the home page, confirm (the link shows a
// button; only the POST confirms), receive the digest from `meridian digest
// send`, parse it with a real MIME parser (Python's email package), follow
// every link, check its HTML with axe, change settings, and unsubscribe
// with one click; nothing is sent after. With JavaScript on and off.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

const BIN = process.env.MERIDIAN_BIN || "../../build/meridian";
const PY = "/usr/bin/python3";  // Debian's python, with python3-aiosmtpd
const LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let dir, smtp, smtpUrl, server, base, browser, store, maildir;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitFor(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function mail() {
  return JSON.parse(execFileSync(PY, ["../digest/parse_mail.py", maildir]).toString());
}
const mailTo = (addr) => mail().filter((m) => m.envelope_to === addr);

function send(week) {
  return JSON.parse(execFileSync(BIN, ["digest", "send", "--store", store, "--week", week,
    "--snapshot", join(dir, "d.snap"), "--previous", join(dir, "prev.snap"), "--smtp", smtpUrl,
    "--public-url", base, "--rate", "0", "--json"], { stdio: ["ignore", "pipe", "ignore"] }).toString());
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "meridian-digest-e2e-"));
  maildir = join(dir, "maildir");
  execFileSync(BIN, ["synth", "--rows", "30000", "--seed", "42", "--out", join(dir, "d.csv")]);
  execFileSync(BIN, ["ingest", "--nppes", join(dir, "d.csv"), "--pl", join(dir, "d_pl.csv"),
    "--out", join(dir, "d.snap")]);
  // Last week's registry: the same file without its last 3,000 rows, which
  // are this week's new practitioners.
  const lines = readFileSync(join(dir, "d.csv"), "utf8").split("\n");
  writeFileSync(join(dir, "prev.csv"), lines.slice(0, lines.length - 3001).join("\n") + "\n");
  execFileSync(BIN, ["ingest", "--nppes", join(dir, "prev.csv"), "--pl", join(dir, "d_pl.csv"),
    "--out", join(dir, "prev.snap")]);
  store = "sqlite:" + join(dir, "meridian.sqlite");
  execFileSync(BIN, ["store", "migrate", "--store", store]);
  const smtpPort = await freePort();
  smtpUrl = `smtp://127.0.0.1:${smtpPort}`;
  smtp = spawn(PY, ["../digest/smtp_server.py", String(smtpPort), maildir, "--ready", join(dir, "smtp.ready")],
    { stdio: "ignore" });
  await waitFor("the SMTP server", () => existsSync(join(dir, "smtp.ready")));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ["serve", "--snapshot", join(dir, "d.snap"), "--listen", `127.0.0.1:${port}`,
    "--store", store, "--smtp", smtpUrl, "--public-url", base], { stdio: ["ignore", "ignore", "pipe"] });
  await new Promise((resolve, reject) => {
    let err = "";
    server.stderr.on("data", (chunk) => { err += chunk; if (/serving/.test(err)) resolve(); });
    server.on("exit", (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: LAUNCH_ARGS });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill("SIGTERM");
  if (smtp) smtp.kill("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function axe(page, what) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  assert.ok(result.passes.length > 5, `axe checked ${what}`);
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), [], `axe on ${what}`);
}

let weekNo = 40;
for (const js of [true, false]) {
  const mode = js ? "with JavaScript" : "without JavaScript";
  test(`subscribe, confirm, receive the digest, follow its links, unsubscribe (${mode})`, async () => {
    const addr = js ? "reader.js@example.org" : "reader.nojs@example.org";
    const context = await browser.newContext({ javaScriptEnabled: js });
    const page = await context.newPage();
    page.setDefaultTimeout(10000);
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => { if (!r.url().startsWith(base)) problems.push(`third-party request: ${r.url()}`); });

    // Sign up from the home page's form.
    await page.goto(base + "/");
    await page.fill("#digest-email", addr);
    await page.fill("#digest-place", "10001");
    await page.selectOption("#digest-radius", "50");
    await page.check("#digest-care-physical_therapy");
    await page.click("form.digest-form button[type=submit]");
    await page.waitForURL(base + "/digest");
    assert.match(await page.textContent("h1"), /Check your email/);
    if (js) await axe(page, "sign-up answer");
    const [confirmMail] = await waitFor("the confirmation", () => mailTo(addr).length && mailTo(addr));
    assert.deepEqual(confirmMail.defects, []);
    assert.equal(confirmMail.content_type, "multipart/alternative");
    assert.deepEqual(confirmMail.parts, ["multipart/alternative", "text/plain", "text/html"]);
    const confirm = confirmMail.links.find((l) => l.includes("/digest/confirm?t="));
    assert.ok(confirm, "a confirmation link");
    assert.ok(confirmMail.html_links.includes(confirm), "the same link in the HTML part");

    // The link shows a button; opening it confirmed nobody.
    await page.goto(confirm);
    assert.match(await page.textContent("main"), new RegExp(addr.replace(".", "\\.")));
    if (js) await axe(page, "confirm page");
    assert.equal(send(`2026-W${weekNo}`).sent, 0, "nobody was confirmed yet");
    await page.click("button:has-text('Confirm')");
    await page.waitForURL(base + "/digest/confirm");
    assert.match(await page.textContent("[role=status]"), /digest is on/);
    if (js) await axe(page, "settings page");

    // The week's digest.
    weekNo += 1;
    const report = send(`2026-W${weekNo}`);
    assert.ok(report.sent >= 1, JSON.stringify(report));
    assert.ok(report.changes > 100, "this week's new practitioners were found");
    const digest = await waitFor("the digest", () => mailTo(addr).find((m) => /^Meridian weekly digest/.test(m.headers.Subject)));
    assert.deepEqual(digest.defects, []);
    assert.match(digest.headers["Message-ID"], new RegExp(`^<digest\\.2026-W${weekNo}\\.[0-9a-f]+@`));
    assert.match(digest.headers["List-Id"], /^<weekly-digest\./);
    assert.equal(digest.headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
    const unsubscribe = digest.headers["List-Unsubscribe"].replace(/^<|>$/g, "");
    assert.ok(unsubscribe.startsWith(base + "/digest/unsubscribe?t="));
    assert.ok(digest.links.includes(unsubscribe), "a visible unsubscribe link");
    assert.match(digest.text, /new near you/i);
    assert.match(digest.text, /joined the registry or moved within 50 miles of 10001/);
    assert.match(digest.text, /fill it in themselves/);
    assert.doesNotMatch(digest.html, /<img|<script/);
    // Every link answers 200 (GET changes nothing; the unsubscribe page has a button).
    for (const link of new Set([...digest.links, ...digest.html_links])) {
      assert.ok(link.startsWith(base), `a link to this site: ${link}`);
      const r = await fetch(link);
      assert.equal(r.status, 200, link);
    }
    // The email's HTML passes the same accessibility rules as the pages.
    const mailPage = await context.newPage();
    await mailPage.setContent(digest.html);
    if (js) await axe(mailPage, "the digest's HTML part");
    await mailPage.close();

    // Settings: change the distance, pause, start again.
    const manage = digest.links.find((l) => l.includes("/digest/manage?t="));
    await page.goto(manage);
    await page.selectOption("#digest-radius", "25");
    await page.click("button:has-text('Save my choices')");
    assert.match(await page.textContent("[role=status]"), /saved/);
    await page.click("button:has-text('Pause the digest')");
    assert.match(await page.textContent("[role=status]"), /paused/);
    await page.click("button:has-text('Start the digest again')");
    assert.match(await page.textContent("[role=status]"), /on again/);
    const exported = await (await fetch(manage.replace("/manage?", "/export?"))).json();
    assert.equal(exported.email, addr);
    assert.equal(exported.radius_miles, 25);
    assert.deepEqual(exported.consents.map((c) => c.action), ["subscribe", "confirm", "change", "pause", "resume"]);

    // One-click unsubscribe, as a mail client does it: a POST, no cookies, no Origin.
    const r = await fetch(unsubscribe, { method: "POST", body: "List-Unsubscribe=One-Click",
      headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(r.status, 200);
    const before = mailTo(addr).length;
    weekNo += 1;
    send(`2026-W${weekNo}`);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(mailTo(addr).length, before, "nothing sent after unsubscribing");
    assert.equal((await fetch(manage)).status, 400, "the settings link is dead");
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("the digest pages pass axe, and a form from another site is refused", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "/digest");
  await axe(page, "/digest");
  await page.fill("#digest-email", "not-an-address@");
  // The browser's own check stops it with JavaScript; the server answers the same way.
  const r = await fetch(base + "/digest", { method: "POST", body: "email=not-an-address",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: base } });
  assert.equal(r.status, 400);
  const cross = await fetch(base + "/digest", { method: "POST", body: "email=a%40example.org",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" } });
  assert.equal(cross.status, 403);
  await context.close();
});
