// The FHIR R4 server checked by outside tools: every resource type, search
// bundles and export lines validate against the R4 definitions (npm `fhir`,
// the FHIR.js validator); a real FHIR client library (npm `fhir-kit-client`)
// reads the CapabilityStatement, searches by `near`, pages, follows
// _include, reads and POST-searches; and `near` agrees with the JSON API's
// /api/v1/search on the same points (same providers, same order, same
// distances).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { Client, CapabilityTool } from "fhir-kit-client";

const require = createRequire(import.meta.url);
const { Fhir } = require("fhir");
const BIN = process.env.MERIDIAN_BIN || "../../build/meridian";
const DATA = "../data";
const validator = new Fhir();

let dir, server, base, fhirBase;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Messages the validator gives, warnings included ("Unexpected property").
// One kind is left out: FHIR.js holds no NUCC code system, so it warns that
// NUCC taxonomy codes are "not found in value set" on elements whose binding
// is only an example or a preference (PractitionerRole.code and .specialty,
// Practitioner.qualification.code). Plan-Net itself codes specialty in NUCC.
// Likewise the SUBSETTED tag that R4 search asks for on _elements results
// (Meta.tag's binding is an example), and NPPES's own endpoint types where
// R4 has no equivalent (Endpoint.connectionType's binding is extensible).
const NOT_LOADED = [
  /^Code "(CONNECT|WEB|OTHERS|SOAP|REST)" \(urn:meridian:fhir:CodeSystem:nppes-endpoint-type\) not found in value set$/,
  /^Code "[0-9A-Z]{10}" \(http:\/\/nucc\.org\/provider-taxonomy\) not found in value set$/,
  /^Code "SUBSETTED" \(http:\/\/terminology\.hl7\.org\/CodeSystem\/v3-ObservationValue\) not found in value set$/,
];
function problems(resource) {
  const r = validator.validate(resource);
  return r.messages.filter((m) => (m.severity === "error" || m.severity === "warning") &&
    !NOT_LOADED.some((re) => re.test(m.message)));
}

async function get(path) {
  const res = await fetch(base + path, { headers: { accept: "application/fhir+json" } });
  const body = await res.json();
  return { status: res.status, type: res.headers.get("content-type"), body };
}

// Synthetic rows for the server; the real sample rows plus individuals for
// NPIs of the real endpoint file, for an export with endpoints.
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "meridian-fhir-e2e-"));
  execFileSync(BIN, ["synth", "--rows", "30000", "--seed", "11", "--out", join(dir, "s.csv")]);
  execFileSync(BIN, ["ingest", "--nppes", join(dir, "s.csv"), "--pl", join(dir, "s_pl.csv"),
    "--out", join(dir, "s.snap")]);
  const sample = readFileSync(join(DATA, "npidata_sample_99.csv"), "utf8");
  const header = sample.split("\n")[0].split(",").map((h) => h.replace(/^"|"$/g, ""));
  const endpointNpis = [...new Set(readFileSync(join(DATA, "endpoint_pfile_20251103-20251109.csv"), "utf8")
    .split("\n").slice(1).filter(Boolean).map((l) => l.slice(1, 11)))].slice(0, 40);
  const row = (values) => header.map((h) => `"${values[h] ?? ""}"`).join(",") + "\n";
  let rows = sample;
  for (const npi of endpointNpis) {
    rows += row({ "NPI": npi, "Entity Type Code": "1", "Provider Last Name (Legal Name)": "ENDPOINT",
      "Provider First Name": "TEST", "Provider Business Practice Location Address State Name": "MA",
      "Provider Business Practice Location Address Postal Code": "01605",
      "Healthcare Provider Taxonomy Code_1": "225100000X" });
  }
  writeFileSync(join(dir, "e.csv"), rows);
  execFileSync(BIN, ["ingest", "--nppes", join(dir, "e.csv"), "--pl", join(DATA, "pl_pfile_20251103-20251109.csv"),
    "--endpoint", join(DATA, "endpoint_pfile_20251103-20251109.csv"), "--out", join(dir, "e.snap")]);
  const store = "sqlite:" + join(dir, "meridian.sqlite");
  execFileSync(BIN, ["store", "migrate", "--store", store]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  fhirBase = `${base}/fhir`;
  server = spawn(BIN, ["serve", "--snapshot", join(dir, "s.snap"), "--listen", `127.0.0.1:${port}`,
    "--store", store, "--rate", "100000", "--burst", "100000"], { stdio: ["ignore", "ignore", "pipe"] });
  await new Promise((resolve, reject) => {
    let err = "";
    server.stderr.on("data", (chunk) => { err += chunk; if (/serving/.test(err)) resolve(); });
    server.on("exit", (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
});

after(() => {
  if (server) server.kill("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Query points where providers practise: the positions of listed locations.
async function providerPoints(n) {
  const points = [];
  const states = ["CA", "NY", "TX", "FL", "IL", "PA", "OH", "WI", "WA", "MA", "GA", "NC"];
  for (const st of states) {
    const { body } = await get(`/fhir/Location?address-state=${st}&_count=100`);
    for (const e of body.entry ?? []) {
      const p = e.resource.position;
      if (p) points.push([p.latitude, p.longitude]);
    }
  }
  const out = [];
  for (let i = 0; out.length < n && points.length > 0; i++) out.push(points[(i * 7919) % points.length]);
  return out;
}

test("search bundles, every resource type and export lines validate against FHIR R4", async () => {
  const cap = await get("/fhir/metadata");
  assert.equal(cap.status, 200);
  assert.match(cap.type, /^application\/fhir\+json/);
  assert.deepEqual(problems(cap.body), []);
  const points = await providerPoints(250);
  const searches = [];
  for (const [lat, lon] of points) {
    const near = `${lat.toFixed(4)}|${lon.toFixed(4)}`;
    searches.push(
      `/fhir/Location?near=${near}|15|km&_count=10&_include=Location:organization`,
      `/fhir/PractitionerRole?location.near=${near}|25|mi&_count=8&_include=PractitionerRole:practitioner` +
        `&_include=PractitionerRole:location&_include=PractitionerRole:endpoint`,
      `/fhir/PractitionerRole?specialty=2251&location.near=${near}|40|km&_count=5`,
      `/fhir/Practitioner?gender=female&_count=6&_revinclude=PractitionerRole:practitioner`,
      `/fhir/Organization?address-state=NY&_count=5&_include=Organization:endpoint`,
      `/fhir/Location?near=${near}|5|km&_count=4&_revinclude=PractitionerRole:location`,
      `/fhir/Practitioner?name=smith&_count=5&_elements=name,gender`,
      `/fhir/Organization?name=health&_summary=count`);
  }
  let bundles = 0, resources = 0;
  const types = new Set();
  for (const s of searches) {
    const path = s;
    const { status, body } = await get(path);
    assert.equal(status, 200, `${path}: ${JSON.stringify(body).slice(0, 300)}`);
    assert.equal(body.type, "searchset");
    const bad = problems(body);
    assert.deepEqual(bad, [], `${path}: ${JSON.stringify(bad.slice(0, 3))}`);
    for (const e of body.entry ?? []) types.add(e.resource.resourceType), resources++;
    bundles++;
  }
  assert.ok(bundles >= 2000, `only ${bundles} bundles`);
  for (const t of ["Practitioner", "PractitionerRole", "Organization", "Location"]) assert.ok(types.has(t), t);

  // The offline export of the real rows (with their endpoints and secondary
  // locations) and of the synthetic ones: every line of the first, the
  // first lines of each file of the second.
  let lines = 0;
  for (const [snap, cap] of [["e.snap", Infinity], ["s.snap", 2000]]) {
    const out = join(dir, `export-${snap}`);
    const summary = JSON.parse(execFileSync(BIN, ["export", "fhir", "--snapshot", join(dir, snap),
      "--out", out, "--json"]).toString());
    for (const f of summary.files) {
      const text = readFileSync(f.path, "utf8").split("\n").filter(Boolean);
      assert.equal(text.length, f.resources);
      for (const line of text.slice(0, cap)) {
        const r = JSON.parse(line);
        assert.equal(r.resourceType, f.type);
        const bad = problems(r);
        assert.deepEqual(bad, [], `${f.type}/${r.id}: ${JSON.stringify(bad.slice(0, 3))}`);
        types.add(r.resourceType);
        lines++;
      }
    }
  }
  assert.ok(types.has("Endpoint"), "an Endpoint was validated");
  assert.ok(bundles + lines >= 10000, `${bundles} bundles + ${lines} lines`);
  console.log(`validated ${bundles} bundles (${resources} resources) and ${lines} export lines`);
});

test("a real FHIR client reads the statement, searches by near, pages, includes and reads", async () => {
  const client = new Client({ baseUrl: fhirBase });
  const cs = await client.capabilityStatement();
  const tool = new CapabilityTool(cs);
  assert.ok(tool.resourceCan("Location", "read"));
  assert.ok(tool.resourceSearch("Location", "near"));
  assert.ok(tool.resourceSearch("PractitionerRole", "specialty"));
  const [lat, lon] = (await providerPoints(1))[0];
  // Pages with nextPage until the end: no repeats, nearest first.
  let bundle = await client.search({ resourceType: "Location",
    searchParams: { near: `${lat}|${lon}|20|km`, _count: "7" } });
  const seen = new Set();
  const pageIds = [];
  let last = -1, pages = 0, lastPage = null;
  while (bundle) {
    pages++;
    lastPage = bundle;
    pageIds.push((bundle.entry ?? []).map((e) => e.resource.id));
    for (const e of bundle.entry ?? []) {
      assert.ok(!seen.has(e.resource.id), `${e.resource.id} twice`);
      seen.add(e.resource.id);
      const d = e.search.extension.find((x) => x.url === "http://hl7.org/fhir/StructureDefinition/location-distance");
      assert.equal(d.valueDistance.code, "km");
      assert.ok(d.valueDistance.value >= last, "nearest first");
      last = d.valueDistance.value;
    }
    bundle = await client.nextPage({ bundle });
  }
  assert.ok(pages > 2, `${pages} pages`);
  // And back with prevPage to the first page, page for page.
  bundle = lastPage;
  for (let i = pages - 2; i >= 0; i--) {
    bundle = await client.prevPage({ bundle });
    assert.deepEqual((bundle.entry ?? []).map((e) => e.resource.id), pageIds[i], `page ${i}`);
  }
  assert.equal(await client.prevPage({ bundle }), undefined);
  // Address search by ZIP prefix, as FHIR string search matches.
  const first = (await client.search({ resourceType: "Location",
    searchParams: { near: `${lat}|${lon}|20|km`, _count: "1" } })).entry[0].resource;
  const zip = first.address.postalCode.slice(0, 5);
  const byZip = await client.search({ resourceType: "Location",
    searchParams: { "address-postalcode": zip, _count: "100" } });
  assert.ok(byZip.entry.some((e) => e.resource.id === first.id), `${first.id} by ${zip}`);
  for (const e of byZip.entry) assert.ok(e.resource.address.postalCode.startsWith(zip));
  // _include: the client resolves the practitioner inside the bundle.
  const roles = await client.search({ resourceType: "PractitionerRole",
    searchParams: { "location.near": `${lat}|${lon}|50|km`, _include: "PractitionerRole:practitioner", _count: "5" } });
  const match = roles.entry.find((e) => e.search.mode === "match");
  const person = await client.resolve({ reference: match.resource.practitioner.reference, context: roles });
  assert.equal(person.resourceType, "Practitioner");
  assert.equal(`Practitioner/${person.id}`, match.resource.practitioner.reference);
  // Read, and the same search by POST.
  const read = await client.read({ resourceType: "Practitioner", id: person.id });
  assert.deepEqual(read, person);
  const posted = await client.search({ resourceType: "PractitionerRole",
    searchParams: { "location.near": `${lat}|${lon}|50|km`, _count: "5" }, options: { postSearch: true } });
  assert.deepEqual(posted.entry.map((e) => e.resource.id),
    roles.entry.filter((e) => e.search.mode === "match").map((e) => e.resource.id));
  // Errors are OperationOutcomes with the parameter named.
  const bad = await fetch(`${fhirBase}/Location?near=1|2|3|furlongs`);
  assert.equal(bad.status, 400);
  const outcome = await bad.json();
  assert.equal(outcome.resourceType, "OperationOutcome");
  assert.deepEqual(outcome.issue[0].expression, ["near"]);
  assert.deepEqual(problems(outcome), []);
  const xml = await fetch(`${fhirBase}/metadata`, { headers: { accept: "application/fhir+xml" } });
  assert.equal(xml.status, 406);
});

test("near agrees with /api/v1/search on the same points", async () => {
  const points = await providerPoints(40);
  let compared = 0;
  for (const [i, [lat, lon]] of points.entries()) {
    const miles = [2, 5, 10, 25][i % 4];
    const api = [];
    let url = `/api/v1/search?near=${lat},${lon}&radius=${miles}mi&limit=100`;
    for (;;) {
      const { body } = await get(url);
      api.push(...body.results);
      if (!body.next_cursor) break;
      url = `/api/v1/search?near=${lat},${lon}&radius=${miles}mi&limit=100&cursor=${encodeURIComponent(body.next_cursor)}`;
    }
    const fhir = [];
    let path = `/fhir/Location?near=${lat}|${lon}|${miles}|mi&_count=100`;
    while (path) {
      const { body } = await get(path);
      fhir.push(...(body.entry ?? []));
      const next = body.link.find((l) => l.relation === "next");
      path = next ? next.url.slice(base.length) : null;
    }
    assert.equal(fhir.length, api.length, `${lat},${lon} ${miles} mi`);
    for (let k = 0; k < api.length; k++) {
      assert.equal(fhir[k].resource.id, `${api[k].npi}-${api[k].location_index}`);
      const d = fhir[k].search.extension[0].valueDistance;
      assert.equal(d.code, "[mi_i]");
      assert.ok(Math.abs(d.value - api[k].distance_mi) <= 0.051, `${d.value} vs ${api[k].distance_mi}`);
    }
    compared += api.length;
  }
  assert.ok(compared > 500, `compared ${compared}`);
});

test("a bulk export runs as the Bulk Data async pattern asks, and matches the offline export", async () => {
  const kick = await fetch(`${fhirBase}/$export?_type=Practitioner,Organization`,
    { headers: { accept: "application/fhir+json", prefer: "respond-async" } });
  assert.equal(kick.status, 202);
  const status = kick.headers.get("content-location");
  assert.ok(status.startsWith(`${fhirBase}/$export-status/`), status);
  let manifest;
  for (let i = 0; i < 600 && !manifest; i++) {
    const r = await fetch(status);
    if (r.status === 202) {
      assert.ok(r.headers.get("x-progress"));
      await new Promise((res) => setTimeout(res, 100));
      continue;
    }
    assert.equal(r.status, 200);
    assert.ok(r.headers.get("expires"));
    manifest = await r.json();
  }
  assert.ok(manifest, "the export finished");
  const offline = JSON.parse(execFileSync(BIN, ["export", "fhir", "--snapshot", join(dir, "s.snap"),
    "--out", join(dir, "bulk-offline"), "--type", "Practitioner,Organization", "--json"]).toString());
  const want = Object.fromEntries(offline.files.map((f) => [f.type, f.resources]));
  const got = {};
  for (const out of manifest.output) {
    const r = await fetch(out.url);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type"), /^application\/fhir\+ndjson/);
    const lines = (await r.text()).split("\n").filter(Boolean);
    assert.equal(lines.length, out.count);
    for (const line of lines.slice(0, 200)) {
      const res = JSON.parse(line);
      assert.equal(res.resourceType, out.type);
      assert.deepEqual(problems(res), []);
    }
    got[out.type] = (got[out.type] ?? 0) + lines.length;
  }
  assert.deepEqual(got, want);
  const gone = await fetch(status, { method: "DELETE" });
  assert.equal(gone.status, 202);
  assert.equal((await fetch(status)).status, 404);
});
