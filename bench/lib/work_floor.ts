/**
 * The 1 ms hook's out-of-process floor: the same `work(n)` the bench plugin runs, in a bare
 * `deno run` child (no sandbox, no cgroup, no plugd protocol) that reads one JSON line per call
 * on a Unix socket and answers one. What any subprocess plugin host pays on this machine for a
 * hook doing `n` rounds of work, beside what plugd pays (`sandbox_overhead`).
 */
import { join } from "node:path";

const WORK_MODULE = new URL("../plugins/bench-echo/work.ts", import.meta.url);

const CHILD = `
import { work } from ${JSON.stringify(WORK_MODULE.href)};
const conn = await Deno.connect({ transport: "unix", path: Deno.args[0] });
const buf = new Uint8Array(65536);
const dec = new TextDecoder();
const enc = new TextEncoder();
let text = "";
for (;;) {
  const n = await conn.read(buf);
  if (n === null) break;
  text += dec.decode(buf.subarray(0, n), { stream: true });
  let nl;
  while ((nl = text.indexOf("\\n")) !== -1) {
    const { n: rounds } = JSON.parse(text.slice(0, nl));
    text = text.slice(nl + 1);
    const t = performance.now();
    const h = work(rounds);
    const end = performance.now();
    const at = performance.timeOrigin + t;
    const out = enc.encode(
      JSON.stringify({ h, ms: end - t, at, end: performance.timeOrigin + end }) + "\\n",
    );
    let off = 0;
    while (off < out.byteLength) off += await conn.write(out.subarray(off));
  }
}
`;

/** What the work took inside a child: ms, and its start and end in ms since the epoch. */
export interface WorkTimes {
  ms: number;
  at: number;
  end: number;
}

/** A running work child: one call at a time. */
export interface WorkChild extends AsyncDisposable {
  /** Runs `work(n)` in the child; resolves with the time the work took inside it. */
  call(n: number): Promise<WorkTimes>;
  pid: number;
}

/** Starts the bare work child (dispose it to stop it). */
export async function openWorkChild(): Promise<WorkChild> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-work-" });
  const script = join(dir, "work_child.ts");
  const path = join(dir, "work.sock");
  await Deno.writeTextFile(script, CHILD);
  const listener = Deno.listen({ transport: "unix", path });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      `--allow-read=${path},${WORK_MODULE.pathname}`,
      `--allow-write=${path}`,
      `--allow-net=unix:${path}`,
      script,
      path,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let conn: Deno.UnixConn | undefined;
  const stop = async () => {
    try {
      listener.close();
    } catch { /* closed after the accept */ }
    conn?.close();
    await child.status;
    await Deno.remove(dir, { recursive: true });
  };
  try {
    conn = await listener.accept();
    listener.close();
  } catch (e) {
    await stop();
    throw e;
  }
  const c = conn;
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const buf = new Uint8Array(4096);
  return {
    pid: child.pid,
    async call(n) {
      const line = enc.encode(JSON.stringify({ n }) + "\n");
      let off = 0;
      while (off < line.byteLength) off += await c.write(line.subarray(off));
      let text = "";
      while (!text.endsWith("\n")) {
        const got = await c.read(buf);
        if (got === null) throw new Error("the work child exited");
        text += dec.decode(buf.subarray(0, got), { stream: true });
      }
      return JSON.parse(text) as WorkTimes;
    },
    [Symbol.asyncDispose]: stop,
  };
}
