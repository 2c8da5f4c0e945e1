import assert from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import { IntakeQueue } from "./intake_queue.ts";
import type { CloudEvent } from "./types.ts";

function event(id: string): CloudEvent {
  return {
    specversion: "1.0",
    id,
    source: "/t",
    type: "a.b",
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    data: null,
  };
}

/** Fails instead of hanging when `promise` never settles (the bug this file proves gone). */
function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) =>
    timer = setTimeout(() => reject(new Error(`${what} never settled: a lost wake-up`)), ms)
  );
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

Deno.test("IntakeQueue: a submit made as the previous one resolves is committed (issue 22, finding 10)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-intake-" });
  await using store = await openStore(`file:${dir}/plugd.db`);
  const accepted: string[] = [];
  const queue = new IntakeQueue(store, {
    onCommitted: (batch) => accepted.push(...batch.map((a) => a.event.id)),
  });
  // One request after another, each submitted the moment the previous one resolves: the next
  // lands right after the flush loop found its queue empty, before the flush marked itself done.
  const chain = (i: number): Promise<unknown> =>
    queue.submit(event(`e${i}`), []).then(() => i < 19 ? chain(i + 1) : undefined);
  await within(chain(0), "a chain of 20 submits");
  assert.equal(accepted.length, 20);
  await queue.drain();
  await Deno.remove(dir, { recursive: true });
});
