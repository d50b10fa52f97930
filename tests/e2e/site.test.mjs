// Browser tests of the web pages: Debian chromium driven by playwright-core,
// axe-core for accessibility. Starts `meridian serve` on a fresh synthetic
// snapshot (127.0.0.1, a free port), then runs the patient's flows with
// JavaScript on and off, checks every page type with axe, and saves
// screenshots at desktop and 360 px widths (SCREENSHOT_DIR).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

const BIN = process.env.MERIDIAN_BIN || "../../build/meridian";
const SHOTS = process.env.SCREENSHOT_DIR || "../../build/e2e-screenshots";
const DOCS = process.env.UPDATE_DOC_SCREENSHOTS ? "../../docs/screenshots" : null;
const LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let dir, server, base, browser, store;
const jsOn = new WeakMap();  // page -> whether JavaScript is enabled

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "meridian-e2e-"));
  mkdirSync(SHOTS, { recursive: true });
  execFileSync(BIN, ["synth", "--rows", "30000", "--seed", "42", "--out", join(dir, "d.csv")]);
  execFileSync(BIN, ["ingest", "--nppes", join(dir, "d.csv"), "--pl", join(dir, "d_pl.csv"),
    "--out", join(dir, "d.snap")]);
  store = "sqlite:" + join(dir, "meridian.sqlite");
  execFileSync(BIN, ["store", "migrate", "--store", store]);
  server = spawn(BIN, ["serve", "--snapshot", join(dir, "d.snap"), "--listen", "127.0.0.1:0",
    "--store", store], { stdio: ["ignore", "ignore", "pipe"] });
  base = await new Promise((resolve, reject) => {
    let err = "";
    server.stderr.on("data", (chunk) => {
      err += chunk;
      const m = err.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    server.on("exit", (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: LAUNCH_ARGS,
    userDataDir: undefined });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function newPage({ js = true, width = 1280 } = {}) {
  const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  jsOn.set(page, js);
  const problems = [];
  page.on("dialog", (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => { if (!r.url().startsWith(base)) problems.push(`third-party request: ${r.url()}`); });
  return { page, context, problems };
}

async function axe(page, what) {
  // axe runs as a script in the page: only where JavaScript is on (the same
  // pages are checked in the JavaScript runs).
  if (jsOn.get(page) === false) return;
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  assert.ok(result.passes.length > 10, `axe checked ${what}`);
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), [], `axe on ${what}`);
}

async function shot(page, name) {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 900 });
    const file = join(SHOTS, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: width === 1280 });
    if (DOCS && (width === 1280 || name === "results")) {
      mkdirSync(DOCS, { recursive: true });
      copyFileSync(file, join(DOCS, `${name}-${width}.png`));
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

for (const js of [true, false]) {
  const mode = js ? "with JavaScript" : "without JavaScript";

  test(`search by ZIP, filter, page and open a profile (${mode})`, async () => {
    const { page, context, problems } = await newPage({ js });
    await page.goto(base + "/");
    await axe(page, "home");
    if (js) await shot(page, "home");
    await page.fill("#where", "10001");
    await page.check("#care-physical_therapy");
    await page.click("form.search button[type=submit]");
    await page.waitForURL(/\/search\?/);
    const count = await page.textContent(".count");
    assert.match(count, /providers? found/);
    const total = Number(count.match(/^(\d+)/)[1]);
    assert.ok(total > 30, `enough physical therapists near 10001 (${total})`);
    await axe(page, "results");
    if (js) await shot(page, "results");
    // Numbered list, distances, and a map with a text equivalent.
    assert.equal(await page.locator(".results ol > li").count(), 10);
    assert.match(await page.textContent(".results ol > li .distance"), /miles away/);
    assert.ok(await page.locator("svg[role=img] title").count() === 1);
    // A facet narrows the results and shows as active (without JavaScript
    // the filters sit behind their button at every width).
    if (!js) await page.click(".facets summary");
    await page.click(".facets a:has-text('Women')");
    await page.waitForURL(/sex=F/);
    const narrowed = Number((await page.textContent(".count")).match(/^(\d+)/)[1]);
    assert.ok(narrowed < total && narrowed > 0);
    // Next page.
    await page.click("a[rel=next]");
    await page.waitForURL(/page=2/);
    assert.equal(await page.getAttribute(".results ol", "start"), "11");
    // A profile.
    await page.click(".results ol > li a.name");
    await page.waitForURL(/\/provider\/\d{10}/);
    assert.match(await page.textContent("main"), /What the credential means/);
    assert.match(await page.textContent("main"), /reported this themselves/);
    await axe(page, "provider");
    if (js) await shot(page, "provider");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`run the decision guide (${mode})`, async () => {
    const { page, context, problems } = await newPage({ js });
    await page.goto(base + "/guide");
    await axe(page, "guide");
    // Warning signs are the first question.
    assert.equal(await page.getAttribute("fieldset.step >> nth=0", "id"), "step-red_flags");
    if (js) {
      // One question per step; answer some, move on with Next. Loading the
      // page moved no focus.
      assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
      assert.equal(await page.locator("fieldset.step:visible").count(), 1);
      await page.check("#red_flags-fever");
      await page.click("button:has-text('Next question')");
      await page.check("#where-low_back");
      await page.click("button:has-text('Next question')");
      await page.check("#how_long-long");
      for (let i = 0; i < 3; i++) await page.click("button:has-text('Next question')");
      await page.check("#cautions-blood_thinners");
      await shot(page, "guide");
    } else {
      // All questions on one page.
      assert.ok(await page.locator("fieldset.step").count() >= 5);
      await page.check("#where-low_back");
      await page.check("#cautions-blood_thinners");
      await page.check("#red_flags-fever");
    }
    await page.click("button[type=submit]");
    await page.waitForSelector("h1:has-text('Your options')");
    const text = await page.textContent("main");
    assert.match(text, /See a doctor first/);
    assert.match(text, /blood thinners/);
    assert.match(text, /not say which care is best/);
    assert.equal(await page.locator("article.option").count(), 7);
    await axe(page, "guide result");
    if (js) await shot(page, "guide-result");
    // The link into a pre-filtered search asks for the place (no error page).
    await page.click("article.option a:has-text('Find acupuncture')");
    await page.waitForURL(/care=acupuncture/);
    assert.match(await page.textContent("main"), /Where should we look\?/);
    assert.equal(await page.locator("[role=alert]").count(), 0);
    await page.fill("#where", "10001");
    await page.click("form.search button[type=submit]");
    await page.waitForURL(/where=10001/);
    assert.match(await page.textContent(".count"), /providers? found/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`report a problem with a listing (${mode})`, async () => {
    const { page, context, problems } = await newPage({ js });
    await page.goto(base + "/search?where=53703&care=physical_therapy");
    await page.click(".results ol > li a.name");
    await page.waitForURL(/\/provider\//);
    await page.selectOption("#kind", "address");
    await page.fill("#details", "The phone number <b>rings</b> a bakery.");
    await page.click("button:has-text('Send report')");
    await page.waitForSelector("h1:has-text('Thank you')");
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("empty results explain why and offer a wider search; other pages pass axe", async () => {
  const { page, context, problems } = await newPage();
  // A name nobody has: nothing at any radius is said plainly, with no offer
  // that would lead to another empty page.
  await page.goto(base + "/search?where=59001&care=acupuncture&radius=5&q=zzyzx");
  assert.match(await page.textContent(".empty"), /We found no/);
  assert.match(await page.textContent(".empty"), /none within 500 miles/);
  assert.equal(await page.locator(".empty a").count(), 0);
  // Nobody within 5 miles of a rural ZIP: offers, each with its count.
  await page.goto(base + "/search?where=59001&care=acupuncture&radius=5");
  assert.match(await page.textContent(".empty"), /We found no/);
  const offers = await page.locator(".empty li").allTextContents();
  assert.ok(offers.length >= 1);
  for (const o of offers) assert.match(o, /\(\d+ providers?/);
  await axe(page, "empty results");
  await page.goto(base + "/search?where=53703&care=dry_needling");
  assert.match(await page.textContent(".notice"), /does not record who offers dry needling/);
  await page.goto(base + "/about");
  await axe(page, "about");
  await shot(page, "about");
  await page.goto(base + "/search?where=Nowheresville");
  await axe(page, "search error");
  await page.goto(base + "/no/such/page");
  await axe(page, "404");
  // An organization page.
  await page.goto(base + "/search?where=10001&entity=organization");
  const href = await page.getAttribute(".results ol > li a.name", "href");
  await page.goto(base + href.replace("/provider/", "/organization/"));
  assert.match(await page.textContent("main"), /Providers NPPES links to it/);
  await axe(page, "organization");
  // Articles: the list, one article (its call to action opens the search
  // for that care), and an author page.
  await page.goto(base + "/articles");
  await axe(page, "articles");
  await page.click(".articles li:first-child a");
  assert.match(await page.textContent(".byline"), /Last reviewed/);
  await axe(page, "article");
  await shot(page, "article");
  await page.goto(base + "/articles/acupuncture-or-dry-needling");
  await page.fill("#where-acupuncture", "53703");
  await Promise.all([page.waitForNavigation(), page.click("form.cta button")]);
  assert.match(page.url(), /care=acupuncture/);
  await page.goto(base + "/authors/editorial-team");
  await axe(page, "author");
  assert.deepEqual(problems, []);
  await context.close();
});

// What axe does not check: on a phone the first result is on the first
// screen, a "Skip to results" link reaches it, and the focus ring has 3:1
// contrast against the page (computed from the served CSS).
test("small screens and keyboards: results first, skip link, focus ring contrast", async () => {
  for (const js of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 360, height: 640 } });
    const page = await context.newPage();
    await page.goto(base + "/search?where=10001&care=physical_therapy");
    const first = await page.locator(".results ol > li").first().boundingBox();
    assert.ok(first && first.y + 40 <= 640, `first result starts at ${first && first.y}px (js ${js})`);
    assert.equal(await page.evaluate(() => document.activeElement === document.body), true, "no focus moved");
    // Keyboard: the first Tab stop is "Skip to results", and it lands there.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to results");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => location.hash === "#results");
    await context.close();
  }
  const css = await (await fetch(base + "/static/site.css")).text();
  const rule = css.split("\n").find((l) => /a:focus[^{]*\{[^}]*outline:/.test(l));
  assert.ok(rule, "a focus rule with an outline");
  const hex = rule.match(/outline:\s*\d+px\s+solid\s+#([0-9a-fA-F]{6})/)[1];
  const lum = (h) => {
    const c = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  const backgrounds = [...css.matchAll(/--(?:bg|soft):\s*#([0-9a-fA-F]{6})/g)].map((m) => m[1]);
  assert.ok(backgrounds.length >= 2);
  for (const bg of backgrounds) assert.ok(ratio(hex, bg) >= 3, `focus ring #${hex} on #${bg}: ${ratio(hex, bg).toFixed(2)}:1`);
});

test("XSS payloads in parameters never run", async () => {
  const { page, context, problems } = await newPage();
  const payloads = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>",
    "javascript:alert(3)", "'><svg/onload=alert(4)>", "\u202e<script>alert(5)</script>"];
  for (const p of payloads) {
    for (const field of ["where", "q", "care", "sort", "radius"]) {
      await page.goto(`${base}/search?where=10001&${field}=${encodeURIComponent(p)}`);
      assert.equal(await page.locator("script:not([src])").count(), 0, `${field}=${p}`);
    }
    // The articles' parameters and paths (an article page's only inline
    // script is its JSON-LD data block, which never runs).
    const e = encodeURIComponent(p);
    for (const url of [`/articles?tag=${e}`, `/articles?modality=${e}`, `/articles?page=${e}`,
      `/articles/${e}`, `/authors/${e}`, `/api/v1/articles/${e}`]) {
      await page.goto(base + url);
      assert.equal(await page.locator("script:not([src]):not([type='application/ld+json'])").count(), 0, url);
    }
  }
  assert.deepEqual(problems, []);
  await context.close();
});

// The operator console: set a password from the one-time link, sign in,
// triage a report sent from a profile page, and correct the listing; every
// console page passes axe.
test("operator console: sign in, triage a report, correct a listing", async () => {
  const out = execFileSync(BIN, ["admin", "add-user", "--store", store, "--email", "ed@example.org",
    "--role", "admin", "--base-url", base]).toString();
  const link = out.match(/https?:\/\/\S+set-password\?token=\S+/)[0];
  const { page, context, problems } = await newPage();
  // A patient reports a problem with a listing.
  await page.goto(base + "/search?where=10001&care=acupuncture");
  const profile = await page.getAttribute(".results ol > li a.name", "href");
  const npi = profile.split("/").pop();
  await page.goto(base + profile);
  await page.selectOption("#kind", "address");
  await page.fill("#details", "The phone number is wrong; it is 212 555 0199.");
  await page.click("form[action='/report'] button[type=submit]");
  await page.waitForSelector("text=Thank you");
  // The operator sets a password and signs in.
  await page.goto(link);
  await axe(page, "set password");
  await page.fill("#password", "correct horse battery staple");
  await page.fill("#password2", "correct horse battery staple");
  await page.click("button[type=submit]");
  await page.waitForSelector("text=Your password is set");
  await page.goto(base + "/admin");
  assert.match(page.url(), /\/admin\/login$/);
  await axe(page, "sign in");
  await page.fill("#email", "ed@example.org");
  await page.fill("#password", "correct horse battery staple");
  await page.click("button[type=submit]");
  await page.waitForURL(base + "/admin");
  await axe(page, "report queue");
  await shot(page, "admin-queue");
  const row = page.locator("table tbody tr", { hasText: "212 555 0199" });
  assert.equal(await row.count(), 1);
  await row.locator("a").click();
  await page.waitForURL(/\/admin\/reports\/\d+$/);
  await axe(page, "one report");
  assert.ok((await page.textContent("body")).includes(npi));
  await page.fill("#note", "Called the office; phone fixed below.");
  await page.selectOption("#status", "resolved");
  await page.click("form[action^='/admin/reports'] button[type=submit]");
  await page.waitForURL(base + "/admin");
  assert.equal(await page.locator("table tbody tr", { hasText: "212 555 0199" }).count(), 0);
  // Correct the listing; the profile shows it next to what NPPES says.
  await page.goto(base + "/admin/providers/" + npi + "/correct");
  await axe(page, "correct a listing");
  await page.selectOption("#field", "phone");
  await page.fill("#value", "2125550199");
  await page.fill("#source", "called the office on 2026-12-01");
  await page.click("form[action$='/correct'] button[type=submit]");
  await page.waitForURL(base + "/provider/" + npi);
  const note = await page.textContent(".correction");
  assert.match(note, /Phone: \(212\) 555-0199/);
  assert.match(note, /NPPES says/);
  assert.match(note, /called the office on 2026-12-01/);
  await axe(page, "profile with a correction");
  assert.deepEqual(problems, []);
  await context.close();
});
