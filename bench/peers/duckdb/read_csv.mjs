// DuckDB's read_csv of an NPPES-format file into a table, every column as
// text, on THREADS threads: the peer bench/ingest.sh runs beside Meridian's
// ingest on the same file. Prints {"seconds": S, "rows": N}.
//
//   node read_csv.mjs FILE [THREADS]
import { DuckDBInstance } from "@duckdb/node-api";

const [file, threads = "2"] = process.argv.slice(2);
const db = await DuckDBInstance.create(":memory:", { threads });
const con = await db.connect();
const start = process.hrtime.bigint();
await con.run(
  `CREATE TABLE npidata AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}', ` +
    `header = true, all_varchar = true, quote = '"', escape = '"')`,
);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const rows = (await con.runAndReadAll("SELECT count(*) FROM npidata")).getRows()[0][0];
console.log(JSON.stringify({ seconds: Number(seconds.toFixed(3)), rows: Number(rows) }));
