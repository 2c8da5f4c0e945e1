/**
 * The Unix-socket IPC floor, beside the pipe echo ({@linkcode ./pipe_floor.ts}): the same NDJSON
 * line to a bare `deno run` child that connects to a Unix socket and echoes what it reads. A Deno
 * child reads its stdin on a blocking thread but a socket on its event loop, so this is the least
 * a socket-based plugin channel can cost on this machine.
 */
import { join } from "node:path";

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

const enc = new TextEncoder();

function line(i: number): Uint8Array {
  return enc.encode(JSON.stringify({ t: "call", id: i, kind: "action", payload: { i } }) + "\n");
}

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
  return withSocketChild(async (conn) => {
    const buf = new Uint8Array(65536);
    const out: number[] = [];
    for (let i = 0; i < n + warm; i++) {
      const bytes = line(i);
      const t = performance.now();
      await conn.write(bytes);
      let got = 0;
      while (got < bytes.byteLength) {
        const r = await conn.read(buf);
        if (r === null) throw new Error("echo child exited");
        got += r;
      }
      if (i >= warm) out.push(performance.now() - t);
    }
    return out;
  });
}

/**
 * Pipelined echo over the socket: `inFlight` lines kept outstanding, one write per line; lines/s
 * of each of `rounds` rounds of `total` lines (after one warm-up round).
 */
export function socketEchoPipelined(
  total: number,
  inFlight: number,
  rounds: number,
): Promise<number[]> {
  return withSocketChild(async (conn) => {
    const buf = new Uint8Array(65536);
    const rates: number[] = [];
    for (let r = 0; r < rounds + 1; r++) {
      const t = performance.now();
      let sent = 0;
      let received = 0;
      const fill = () => {
        while (sent < total && sent - received < inFlight) conn.write(line(sent++));
      };
      fill();
      while (received < total) {
        const n = await conn.read(buf);
        if (n === null) throw new Error("echo child exited");
        for (let k = 0; k < n; k++) if (buf[k] === 10) received++;
        fill();
      }
      if (r > 0) rates.push(total / ((performance.now() - t) / 1000));
    }
    return rates;
  });
}
