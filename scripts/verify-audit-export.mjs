#!/usr/bin/env node
// Verifies an exported plugd audit log from the export alone, without plugd or its database.
//
//   node scripts/verify-audit-export.mjs [--anchor HASH] FILE...      (or: deno run -R …)
//
// FILEs are read in the order given, so list rotated files oldest first:
//   audit.jsonl.3 audit.jsonl.2 audit.jsonl.1 audit.jsonl
// Each line is one audit row as JSON (a file export), or a syslog line whose message is that
// JSON (after the UTF-8 BOM). Every row must hash to its `hash`:
//   hash = hex(SHA-256(JSON.stringify([prev_hash, seq, ts, actor, action, target, result, detail])))
// and name the previous row's hash as `prev_hash`, with `seq` going up by one. The first row
// must chain from the genesis hash (64 zeros) unless --anchor gives the hash it chains from
// (a hash you kept from an earlier verified export). Exit 0: intact; 1: broken; 2: usage.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const GENESIS = "0".repeat(64);
const args = process.argv.slice(2);
let anchor = null;
if (args[0] === "--anchor") {
  anchor = args[1];
  args.splice(0, 2);
}
if (args.length === 0 || (anchor !== null && !/^[0-9a-f]{64}$/.test(anchor))) {
  console.error("usage: verify-audit-export.mjs [--anchor HASH] FILE...  (oldest file first)");
  process.exit(2);
}

function rowOf(line) {
  if (line.startsWith("{")) return JSON.parse(line);
  const bom = line.indexOf("\uFEFF{"); // a syslog line: the row follows the BOM
  return bom < 0 ? null : JSON.parse(line.slice(bom + 1));
}

function fail(where, row, reason) {
  console.error(`audit export BROKEN at ${where}${row ? ` (seq ${row.seq})` : ""}: ${reason}`);
  process.exit(1);
}

let prevHash = anchor ?? GENESIS;
let prevSeq = null;
let count = 0;
let firstSeq = null;
for (const file of args) {
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const where = `${file}:${i + 1}`;
    let row;
    try {
      row = rowOf(lines[i]);
    } catch (error) {
      fail(where, null, `not JSON (${error.message})`);
    }
    if (!row) fail(where, null, "no audit row on this line");
    if (prevSeq === null && anchor === null && row.seq !== 1) {
      fail(
        where,
        row,
        "the export does not start at seq 1; pass --anchor <hash of seq " +
          `${row.seq - 1}> from an earlier verified export`,
      );
    }
    if (prevSeq !== null && row.seq !== prevSeq + 1) {
      fail(where, row, `expected seq ${prevSeq + 1}: rows are missing or out of order`);
    }
    if (row.prev_hash !== prevHash) fail(where, row, "prev_hash does not match the previous row");
    const text = JSON.stringify([
      row.prev_hash,
      row.seq,
      row.ts,
      row.actor,
      row.action,
      row.target,
      row.result,
      row.detail,
    ]);
    const hash = createHash("sha256").update(text, "utf8").digest("hex");
    if (hash !== row.hash) fail(where, row, "the row was altered (its hash does not match)");
    firstSeq ??= row.seq;
    prevHash = row.hash;
    prevSeq = row.seq;
    count++;
  }
}
if (count === 0) fail(args.join(" "), null, "no rows");
console.log(
  `audit export intact: ${count} rows, seq ${firstSeq}..${prevSeq}, ` +
    `chained from ${anchor ? `anchor ${anchor}` : "genesis"}; last hash ${prevHash}`,
);
