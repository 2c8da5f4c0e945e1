/**
 * The Unix-socket IPC floor, beside the pipe echo ({@linkcode ./pipe_floor.ts}): the same NDJSON
 * line to a bare `deno run` child that connects to a Unix socket and echoes what it reads. A Deno
 * child reads its stdin on a blocking thread but a socket on its event loop, so this is the least
 * a socket-based plugin channel can cost on this machine.
 */
import { join } from "node:path";
import { type EchoChannel, echoPipelined, echoRoundTrips } from "./echo_timing.ts";

const CHILD = `
const conn = await Deno.connect({ transport: "unix", path: Deno.args[0] });
const buf = new Uint8Array(65536);
for (;;) {
  const n = await conn.read(buf);
  if (n === null) break;
  let off = 0;
  while (off < n) off += await conn.write(buf.subarray(off, n));
}
`;

/** Runs `fn` against a fresh socket echo child (the host reads with `conn.read`), then stops it. */
async function withSocketChild<T>(fn: (conn: Deno.UnixConn) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-sock-" });
  const script = join(dir, "echo.ts");
  const path = join(dir, "echo.sock");
  await Deno.writeTextFile(script, CHILD);
  const listener = Deno.listen({ transport: "unix", path });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      `--allow-read=${path}`,
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
  try {
    conn = await listener.accept();
    listener.close();
    return await fn(conn);
  } finally {
    try {
      listener.close();
    } catch { /* closed after the accept */ }
    conn?.close();
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

/** Times `n` sequential echo round trips over the socket (after `warm` uncounted ones); ms each. */
export function socketEchoRoundTrips(n: number, warm = 1000): Promise<number[]> {
  return withSocketChild((conn) => echoRoundTrips(socketChannel(conn), n, warm));
}

/** Pipelined echo over the socket ({@linkcode echoPipelined}); lines/s of each round. */
export function socketEchoPipelined(
  total: number,
  inFlight: number,
  rounds: number,
): Promise<number[]> {
  return withSocketChild((conn) => echoPipelined(socketChannel(conn), total, inFlight, rounds));
}

function socketChannel(conn: Deno.UnixConn): EchoChannel {
  const buf = new Uint8Array(65536);
  return {
    write: (bytes) => conn.write(bytes),
    read: async () => {
      const n = await conn.read(buf);
      return n === null ? null : buf.subarray(0, n);
    },
  };
}
