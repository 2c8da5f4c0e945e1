/**
 * The daemon-path floors: `POST`s over Unix-socket keep-alive connections to a bare `Deno.serve`
 * in another process that reads the body and answers. What any HTTP-over-socket API on this host
 * pays before it does anything, one request at a time. (A throughput version with 64 clients
 * was tried in the same process as the daemon's intake rounds: before them it slowed the
 * process's later socket requests to one at a time, after them it hung: the Deno 2.9 socket
 * wedge of bench/run.ts. docs/performance.md has that ceiling measured on its own.)
 */
import { join } from "node:path";
import { SocketClient } from "./daemon_client.ts";

const SERVER = `
const [path, status, frames, log] = Deno.args;
// With frames > 0: before each answer, that many log frames of 4,120 bytes (SQLite's WAL frame
// of a 4 KiB page) are written into a 6 MiB file, overwritten in a ring as a checkpointed log
// is, then synced with fdatasync on Deno's blocking pool, as the daemon syncs its log.
const n = Number(frames ?? 0);
const RING = 6 << 20;
const file = n > 0 ? Deno.openSync(log, { read: true, write: true, create: true }) : null;
if (file) { file.writeSync(new Uint8Array(RING)); file.syncSync(); }
const frame = new Uint8Array(4120).fill(7);
let at = 0;
Deno.serve({ path, onListen() { console.log("ready"); } }, async (req) => {
  await req.arrayBuffer();
  if (file) {
    for (let i = 0; i < n; i++) {
      if (at + frame.length > RING) at = 0;
      file.seekSync(at, Deno.SeekMode.Start);
      file.writeSync(frame);
      at += frame.length;
    }
    await file.syncData();
  }
  return new Response('{"ok":true}', {
    status: Number(status ?? 200),
    headers: { "content-type": "application/json" },
  });
});
`;

/**
 * Runs `use` against a bare server (in its own process) on a fresh socket, then stops it. The
 * server answers every request 200, or `status` when given; with `syncedFrames`, only after
 * writing that many log frames to a file and syncing it (see SERVER): the floor of a request
 * that waits for a sync, wake-ups of the threads that slept meanwhile included.
 */
export async function withBareServer<T>(
  use: (c: SocketClient, socket: string) => Promise<T>,
  status = 200,
  syncedFrames = 0,
): Promise<T> {
  // Sync file ops: after heavy socket load Deno 2.9 may never resolve an async one (bench/run.ts).
  const dir = Deno.makeTempDirSync({ prefix: "plugd-bench-http-" });
  const script = join(dir, "serve.ts");
  const socket = join(dir, "s.sock");
  Deno.writeTextFileSync(script, SERVER);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--no-config",
      script,
      socket,
      String(status),
      String(syncedFrames),
      join(dir, "log"),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  try {
    await reader.read(); // "ready"
    using c = new SocketClient(socket);
    return await use(c, socket);
  } finally {
    child.kill("SIGKILL");
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.status;
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Times `n` POSTs of `body` (after `warm` uncounted ones); ms each. */
export function socketHttpRoundTrips(
  n: number,
  body: (i: number) => string,
  warm = 300,
): Promise<number[]> {
  return withBareServer(async (c) => {
    const out: number[] = [];
    for (let i = 0; i < n + warm; i++) {
      const t = performance.now();
      const status = await c.postStatus("/v1/events?wait=true", body(i));
      if (status !== 200) throw new Error(`bare Deno.serve answered ${status}`);
      if (i >= warm) out.push(performance.now() - t);
    }
    return out;
  });
}
