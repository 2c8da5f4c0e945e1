import assert from "node:assert/strict";
import type { LaunchPlan } from "./launch_plan.ts";
import type { PluginProcess } from "./plugin_process.ts";
import { StandbyPool, type Started } from "./standby_pool.ts";

const POLICY = { memoryMb: 100_000, afterStarts: 3, windowMs: 60_000 };

/** A stand-in process (this test's own pid, so its memory can be read): counts its stops. */
function fakeProcess(): { started: Started; stops: () => number } {
  let stops = 0;
  let exit!: () => void;
  const exited = new Promise<void>((r) => exit = r);
  const proc = {
    pid: Deno.pid,
    get ready() {
      return stops === 0;
    },
    exited,
    released: Promise.resolve(),
    stop: () => {
      stops++;
      exit();
      return exited;
    },
  };
  return {
    started: { proc: proc as unknown as PluginProcess, plan: {} as LaunchPlan },
    stops: () => stops,
  };
}

Deno.test("StandbyPool: a plugin earns a standby with enough starts within the window", () => {
  const pool = new StandbyPool(POLICY);
  pool.noteStart("a", 1_000);
  pool.noteStart("a", 2_000);
  assert.equal(pool.earned("a", 3_000), false);
  pool.noteStart("a", 3_000);
  assert.equal(pool.earned("a", 3_000), true);
  assert.equal(pool.earned("a", 61_500), false, "the first start left the window");
  assert.equal(pool.earned("b", 3_000), false);
});

Deno.test("StandbyPool: a budget of 0 MiB turns standbys off", () => {
  const pool = new StandbyPool({ ...POLICY, memoryMb: 0, afterStarts: 1 });
  pool.noteStart("a");
  assert.equal(pool.earned("a"), false);
});

Deno.test("StandbyPool: a filled standby is handed over once", async () => {
  await using pool = new StandbyPool(POLICY);
  const fake = fakeProcess();
  await pool.fill("a", () => Promise.resolve(fake.started));
  assert.equal(pool.info("a")?.pid, Deno.pid);
  assert.equal((await pool.take("a"))?.proc, fake.started.proc);
  assert.equal(await pool.take("a"), undefined);
  assert.equal(fake.stops(), 0, "a handed-over process is the caller's");
});

Deno.test("StandbyPool: take waits for a standby still starting", async () => {
  await using pool = new StandbyPool(POLICY);
  const fake = fakeProcess();
  let finish!: (s: Started) => void;
  const filling = pool.fill("a", () => new Promise<Started>((r) => finish = r));
  const taken = pool.take("a");
  finish(fake.started);
  await filling;
  assert.equal((await taken)?.proc, fake.started.proc);
});

Deno.test("StandbyPool: discard stops a standby, also one still starting", async () => {
  await using pool = new StandbyPool(POLICY);
  const ready = fakeProcess();
  await pool.fill("a", () => Promise.resolve(ready.started));
  await pool.discard("a");
  assert.equal(ready.stops(), 1);
  assert.equal(await pool.take("a"), undefined);

  const late = fakeProcess();
  let finish!: (s: Started) => void;
  const filling = pool.fill("b", () => new Promise<Started>((r) => finish = r));
  const discarded = pool.discard("b");
  finish(late.started);
  await Promise.all([filling, discarded]);
  assert.equal(late.stops(), 1, "a process started for an old spec is never kept");
  assert.equal(await pool.take("b"), undefined);
});

Deno.test("StandbyPool: a standby larger than the whole budget is not kept or tried again", async () => {
  const logs: string[] = [];
  await using pool = new StandbyPool({ ...POLICY, memoryMb: 1, afterStarts: 1 }, (_id, m) => {
    logs.push(m);
  });
  const fake = fakeProcess();
  pool.noteStart("a");
  assert.equal(pool.earned("a"), true);
  await pool.fill("a", () => Promise.resolve(fake.started));
  assert.equal(fake.stops(), 1);
  assert.equal(pool.info("a"), undefined);
  assert.equal(pool.earned("a"), false);
  assert.match(logs.join("\n"), /over the whole standby budget/);
});
