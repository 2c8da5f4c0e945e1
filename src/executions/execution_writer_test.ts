import assert from "node:assert/strict";
import type { Store, WriteBatch } from "../store/mod.ts";
import { type ExecutionRow, ExecutionWriter } from "./execution_writer.ts";

/** A store whose writes wait until the test lets them commit; counts the rows of each. */
function heldStore() {
  const writes: number[] = [];
  const held: (() => void)[] = [];
  const store = {
    write(build: () => WriteBatch<void>): Promise<void> {
      // Rows, whichever form the statements take: each row's parameters open with "(?".
      const sql = build().statements.map((s) => (s as { sql: string }).sql).join(" ");
      writes.push(sql.split("(?").length - 1);
      return new Promise<void>((resolve) => held.push(resolve));
    },
  } as unknown as Store;
  return { store, writes, commit: () => held.shift()!() };
}

const row = (i: number): ExecutionRow => ({
  plugin: "p",
  kind: "action",
  name: "a",
  tenant: null,
  status: "ok",
  attempt: 1,
  startedAt: i,
  durationMs: 1,
  error: null,
  input: null,
  output: null,
  eventId: "e",
  taskId: null,
  actor: null,
  detail: null,
});

/** Lets every settled promise's reactions run (no time passes). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

Deno.test("ExecutionWriter leaves rows queued during a write for the linger, not a write of their own", async () => {
  const db = heldStore();
  const writer = new ExecutionWriter(db.store, { lingerMs: 3_600_000, batchRows: 10 });
  for (let i = 0; i < 10; i++) writer.add(row(i)); // a full batch: written at once
  assert.deepEqual(db.writes, [10]);
  for (let i = 0; i < 3; i++) writer.add(row(i)); // queued while it commits
  db.commit();
  await settle();
  assert.deepEqual(db.writes, [10]); // the three wait for more or for the linger
  assert.deepEqual(writer.counts, { dropped: 0, written: 10, queued: 3 });
  for (let i = 0; i < 7; i++) writer.add(row(i)); // a full batch again
  assert.deepEqual(db.writes, [10, 10]);
  for (let i = 0; i < 12; i++) writer.add(row(i)); // a full batch queued during that write
  db.commit();
  await settle();
  assert.deepEqual(db.writes, [10, 10, 12]); // written right after it
  for (let i = 0; i < 2; i++) writer.add(row(i));
  db.commit();
  const drained = writer.drain(); // writes the rest now, not after the linger
  await settle();
  assert.deepEqual(db.writes, [10, 10, 12, 2]);
  db.commit();
  await drained;
  assert.deepEqual(writer.counts, { dropped: 0, written: 34, queued: 0 });
});
