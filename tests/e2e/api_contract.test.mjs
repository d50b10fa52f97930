// The JSON API's contract, checked with tools an integrator would use:
// - the OpenAPI document passes `redocly lint` (@redocly/cli) with no errors;
// - every golden answer (tests/golden/http) and a live answer of every JSON
//   route validate against the schema the document gives for them (Ajv);
// - a client generated from the document (openapi-typescript types +
//   openapi-fetch) compiles with tsc --strict and runs the search, paging
//   and provider calls against a running server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer } from "node:net";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const BIN = process.env.MERIDIAN_BIN || "../../build/meridian";
const DATA = "../data";
const GOLDEN = "../golden/http";
const BINS = resolve("node_modules/.bin");

let dir, server, base, doc, ajv;

function freePort() {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => done(port)); });
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "meridian-api-e2e-"));
  execFileSync(BIN, ["ingest", "--nppes", join(DATA, "npidata_sample_99.csv"), "--out", join(dir, "s.snap")]);
  const store = "sqlite:" + join(dir, "meridian.sqlite");
  execFileSync(BIN, ["store", "migrate", "--store", store]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ["serve", "--snapshot", join(dir, "s.snap"), "--listen", `127.0.0.1:${port}`,
    "--store", store, "--rate", "100000", "--burst", "100000"], { stdio: ["ignore", "ignore", "pipe"] });
  await new Promise((done, fail) => {
    let err = "";
    server.stderr.on("data", (chunk) => { err += chunk; if (/serving/.test(err)) done(); });
    server.on("exit", (code) => fail(new Error(`server exited ${code}: ${err}`)));
  });
  doc = await (await fetch(`${base}/api/v1/openapi.json`)).json();
  writeFileSync(join(dir, "openapi.json"), JSON.stringify(doc, null, 1));
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "meridian", components: doc.components });
});

after(() => {
  if (server) server.kill("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The operation of the document that serves `method path` (path templates
// matched segment by segment), or undefined.
function operationFor(method, path) {
  const got = path.split("?")[0].split("/");
  for (const [template, ops] of Object.entries(doc.paths)) {
    const want = template.split("/");
    if (want.length !== got.length) continue;
    if (want.every((w, i) => (w.startsWith("{") ? got[i] !== "" : w === got[i])) && ops[method.toLowerCase()])
      return ops[method.toLowerCase()];
  }
  return undefined;
}

// The JSON Schema the document gives for `status` of `op`, or undefined.
function schemaFor(op, status) {
  let r = op.responses[String(status)];
  if (!r) return undefined;
  if (r.$ref) r = r.$ref.split("/").slice(1).reduce((o, k) => o[k], doc);
  const content = r.content && Object.values(r.content)[0];
  if (!content?.schema) return undefined;
  const ref = content.schema.$ref;
  return ref ? { $ref: "meridian" + ref } : content.schema;
}

function check(method, path, status, body) {
  const op = operationFor(method, path);
  assert.ok(op, `${method} ${path}: not in the document`);
  const schema = schemaFor(op, status);
  assert.ok(schema, `${method} ${path}: the document has no body schema for ${status}`);
  const validate = ajv.compile(schema);
  assert.ok(validate(body), `${method} ${path} ${status}: ${ajv.errorsText(validate.errors, { separator: "\n" })}`);
}

// Rules whose warnings the document keeps, and why.
const ALLOWED_WARNINGS = {
  // FHIR's own URL layout: /fhir/{type}/_search beside /fhir/$export-status/{job}.
  "no-ambiguous-paths": "FHIR R4 fixes these URLs",
};

test("the document passes redocly lint with no errors", () => {
  let out = "";
  try {
    out = execFileSync(join(BINS, "redocly"), ["lint", "--format=json", join(dir, "openapi.json")],
      { env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        stdio: ["ignore", "pipe", "pipe"] }).toString();
  } catch (e) {
    assert.fail(`redocly lint failed:\n${e.stdout}\n${e.stderr}`);
  }
  const report = JSON.parse(out);
  assert.equal(report.totals.errors, 0, out);
  const unexpected = report.problems.filter((p) => !(p.ruleId in ALLOWED_WARNINGS));
  assert.deepEqual(unexpected.map((p) => `${p.ruleId}: ${p.message}`), []);
});

test("every golden answer validates against its schema", () => {
  let n = 0;
  for (const f of readdirSync(GOLDEN)) {
    const text = readFileSync(join(GOLDEN, f), "utf8");
    const [request, status, ...rest] = text.split("\n");
    const [method, path] = request.split(" ");
    check(method, path, Number(status), JSON.parse(rest.join("\n")));
    n++;
  }
  assert.ok(n >= 5, `only ${n} goldens`);
});

test("a live answer of every JSON route validates against its schema", async () => {
  const some = (await (await fetch(`${base}/api/v1/search?limit=1`)).json()).results[0].npi;
  const org = (await (await fetch(`${base}/api/v1/search?entity=organization&limit=1`)).json()).results[0].npi;
  const article = (await (await fetch(`${base}/api/v1/articles`)).json()).articles[0]?.slug;
  const calls = [
    ["GET", "/healthz"], ["GET", "/readyz"],
    ["GET", "/api/v1/search?state=TX&limit=3"], ["GET", "/api/v1/search?near=10001&radius=500mi&limit=2"],
    ["GET", "/api/v1/search?q=smith"], ["GET", "/api/v1/search?sex=X"],
    ["GET", "/api/v1/search?q=a"], ["GET", `/api/v1/providers/${some}`], ["GET", "/api/v1/providers/1000000000"],
    ["GET", `/api/v1/organizations/${org}/providers`], ["GET", "/api/v1/taxonomies"], ["GET", "/api/v1/modalities"],
    ["GET", "/api/v1/places?q=mad"], ["GET", "/api/v1/states/WI/rules"], ["GET", "/api/v1/states/ZZ/rules"],
    ["GET", "/api/v1/credentials"], ["GET", "/api/v1/articles"], ["GET", "/api/v1/guide"],
    ["GET", "/api/v1/openapi.json"], ["GET", "/api/v1/nope/x"],
  ];
  if (article) calls.push(["GET", `/api/v1/articles/${article}`]);
  for (const [method, path] of calls) {
    const r = await fetch(base + path, { method });
    const body = await r.json();
    if (r.status === 404 && !operationFor(method, path)) continue;  // an unknown path: no operation
    check(method, path, r.status, body);
  }
  const answers = await fetch(`${base}/api/v1/guide/answers`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ answers: { where: "low_back", cautions: ["blood_thinners"] } }) });
  check("POST", "/api/v1/guide/answers", answers.status, await answers.json());
});

test("a client generated from the document compiles and searches, pages and reads", () => {
  const gen = join(dir, "client");
  mkdirSync(gen);
  execFileSync(join(BINS, "openapi-typescript"), [join(dir, "openapi.json"), "-o", join(gen, "api.d.ts")]);
  writeFileSync(join(gen, "main.ts"), `
import createClient from "openapi-fetch";
import type { paths } from "./api.js";

// Node's process, without @types/node.
declare const process: { env: Record<string, string | undefined>; exit(code: number): never };

const client = createClient<paths>({ baseUrl: process.env.BASE });

async function main(): Promise<void> {
  const first = await client.GET("/api/v1/search", {
    params: { query: { state: "TX", limit: 2, sort: "name" } },
  });
  if (!first.data) throw new Error("search failed: " + JSON.stringify(first.error));
  const cursor: string | null = first.data.next_cursor;
  if (cursor === null) throw new Error("no second page");
  const second = await client.GET("/api/v1/search", {
    params: { query: { state: "TX", limit: 2, sort: "name", cursor } },
  });
  if (!second.data) throw new Error("page 2 failed: " + JSON.stringify(second.error));
  const npi: string = first.data.results[0].npi;
  const one = await client.GET("/api/v1/providers/{npi}", { params: { path: { npi } } });
  if (!one.data) throw new Error("provider failed");
  const bad = await client.GET("/api/v1/search", { params: { query: { limit: 0 } } });
  console.log(JSON.stringify({
    page1: first.data.results.map((h) => h.npi),
    page2: second.data.results.map((h) => h.npi),
    provider: one.data.provider.npi,
    error: bad.error ? bad.error.error.code : null,
  }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`);
  writeFileSync(join(gen, "package.json"), JSON.stringify({ type: "module" }));
  // openapi-fetch resolves from this package's node_modules.
  execFileSync("ln", ["-s", resolve("node_modules"), join(gen, "node_modules")]);
  try {
    execFileSync(join(BINS, "tsc"), ["--strict", "--target", "es2022", "--module", "nodenext",
      "--moduleResolution", "nodenext", "--skipLibCheck", "--outDir", join(gen, "out"), join(gen, "main.ts")]);
  } catch (e) {
    assert.fail(`the generated client does not compile:\n${e.stdout}\n${e.stderr}`);
  }
  writeFileSync(join(gen, "out", "package.json"), JSON.stringify({ type: "module" }));
  execFileSync("ln", ["-s", resolve("node_modules"), join(gen, "out", "node_modules")]);
  const out = JSON.parse(execFileSync("node", [join(gen, "out", "main.js")], { env: { ...process.env, BASE: base } }).toString());
  assert.equal(out.page1.length, 2);
  assert.ok(out.page2.length >= 1);
  assert.ok(!out.page2.includes(out.page1[0]), "page 2 repeats page 1");
  assert.equal(out.provider, out.page1[0]);
  assert.equal(out.error, "bad_parameter");
});
