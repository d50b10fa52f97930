// The HSDS 3.0 export checked by an outside validator: every service in
// services.ndjson validates against the Open Referral HSDS 3.0 service
// schema (tests/data/hsds/schema, with the schemas it references) using
// Ajv; every CSV has its datapackage.json columns; ids are UUIDs and every
// reference between tables points at a row that exists.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const Ajv = require("ajv");
const addFormats = require("ajv-formats");
const BIN = process.env.MERIDIAN_BIN || "../../build/meridian";
const PY = "/usr/bin/python3";
const SCHEMAS = "../data/hsds/schema";

let dir, out, summary;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "meridian-hsds-e2e-"));
  execFileSync(BIN, ["synth", "--rows", "20000", "--seed", "5", "--out", join(dir, "s.csv")]);
  execFileSync(BIN, ["ingest", "--nppes", join(dir, "s.csv"), "--pl", join(dir, "s_pl.csv"),
    "--out", join(dir, "s.snap")]);
  summary = JSON.parse(execFileSync(BIN, ["export", "hsds", "--snapshot", join(dir, "s.snap"),
    "--out", join(dir, "h.zip"), "--json"]).toString());
  out = join(dir, "unzipped");
  execFileSync(PY, ["-m", "zipfile", "-e", join(dir, "h.zip"), out]);
});

after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

// A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF).
function readCsv(path) {
  const text = readFileSync(path, "utf8");
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\r") continue;
    else if (c === "\n") { row.push(field); rows.push(row); row = []; field = ""; }
    else field += c;
  }
  const [header, ...body] = rows;
  return { header, rows: body.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]]))) };
}

test("every service validates against the HSDS 3.0 service schema", () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of readdirSync(SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, f), "utf8")), f);
  const validate = ajv.getSchema("service.json");
  const lines = readFileSync(join(out, "services.ndjson"), "utf8").split("\n").filter(Boolean);
  assert.equal(lines.length, summary.rows["services.csv"]);
  assert.ok(lines.length > 1000, `${lines.length} services`);
  for (const line of lines) {
    const s = JSON.parse(line);
    assert.ok(validate(s), `${s.id}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
  // The validator is not lenient: a service without its required status fails.
  const broken = JSON.parse(lines[0]);
  delete broken.status;
  assert.equal(validate(broken), false);
});

test("the tables match datapackage.json, ids are UUIDs and every reference resolves", () => {
  const pkg = JSON.parse(readFileSync(join(out, "datapackage.json"), "utf8"));
  const tables = {};
  for (const r of pkg.resources) {
    const t = readCsv(join(out, r.path));
    assert.deepEqual(t.header, r.schema.fields.map((f) => f.name), r.path);
    assert.equal(t.rows.length, summary.rows[r.path], r.path);
    tables[r.name] = t.rows;
  }
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const ids = {};
  for (const [name, rows] of Object.entries(tables)) {
    ids[name] = new Set(rows.map((r) => r.id));
    assert.equal(ids[name].size, rows.length, `${name}: ids are unique`);
    for (const r of rows) assert.match(r.id, uuid, name);
  }
  const refs = [["location", "organization_id", "organization"], ["address", "location_id", "location"],
    ["phone", "location_id", "location"], ["service", "organization_id", "organization"],
    ["service_at_location", "service_id", "service"], ["service_at_location", "location_id", "location"],
    ["attribute", "link_id", "service"], ["attribute", "taxonomy_term_id", "taxonomy_term"],
    ["taxonomy_term", "taxonomy_id", "taxonomy"], ["organization_identifier", "organization_id", "organization"],
    ["practitioner", "organization_id", "organization"], ["credential", "practitioner_id", "practitioner"]];
  for (const [table, column, target] of refs) {
    assert.ok(tables[table].length > 0, table);
    for (const r of tables[table]) assert.ok(ids[target].has(r[column]), `${table}.${column} ${r[column]}`);
  }
  // Nothing is claimed as checked.
  for (const s of tables.service) assert.equal(s.assured_date, "");
  for (const c of tables.credential) assert.equal(c.verified, "false");
});
