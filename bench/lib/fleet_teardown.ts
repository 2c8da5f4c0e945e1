/**
 * A bench fleet's teardown, bounded in time. Once every daemon and the registry had stopped,
 * NATS's teardown never ended (by all signs the async removal of its store folder: Deno 2.9's async
 * file ops can stop resolving in a process after heavy socket load, see bench/run.ts), and the
 * group waited until its deadline killed it, its figures lost.
 */

/** How long the fleet's own teardown may take before what is left of it is killed, ms. */
export const TEARDOWN_MS = 30_000;

/** What the teardown needs of a test fleet (tests/fleet/_fleet.ts). */
export interface DisposableFleet extends AsyncDisposable {
  root: string;
  nats: { storeDir: string };
}

/**
 * Stops `fleet` within {@linkcode TEARDOWN_MS}; past it, whatever of the fleet still runs (every
 * descendant of this process) is killed and its folders are removed, synchronously.
 */
export async function stopFleet(fleet: DisposableFleet, group: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), TEARDOWN_MS));
  const done = await Promise.race([fleet[Symbol.asyncDispose]().then(() => "done"), late]);
  clearTimeout(timer);
  if (done === "done") return;
  console.error(`bench: ${group}: the fleet's teardown took over ${TEARDOWN_MS / 1000} s`);
  for (const pid of descendantsSync(Deno.pid)) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
  for (const dir of [fleet.nats.storeDir, fleet.root]) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* gone */ }
  }
}

/** `fleet` whose `await using` disposal is {@linkcode stopFleet}'s bounded one. */
export function boundedFleet<T extends DisposableFleet>(fleet: T, group: string): T {
  return { ...fleet, [Symbol.asyncDispose]: () => stopFleet(fleet, group) };
}

/** Every descendant of `pid`, from /proc, read synchronously. */
function descendantsSync(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.shift()!;
    try {
      for (const t of Deno.readDirSync(`/proc/${p}/task`)) {
        const kids = Deno.readTextFileSync(`/proc/${p}/task/${t.name}/children`).trim();
        for (const k of kids ? kids.split(/\s+/).map(Number) : []) out.push(k), todo.push(k);
      }
    } catch { /* gone */ }
  }
  return out;
}
