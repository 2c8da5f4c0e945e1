/**
 * The IPC floor: round trips of one small NDJSON line to a bare `deno run` child that echoes it
 * (no sandbox, no plugd protocol). What any stdio-based plugin host on this machine pays.
 */
import { join } from "node:path";

const CHILD = `
const buf = new Uint8Array(65536);
for (;;) {
  const n = await Deno.stdin.read(buf);
  if (n === null) break;
  let off = 0;
  while (off < n) off += Deno.stdout.writeSync(buf.subarray(off, n));
}
`;

const enc = new TextEncoder();

function line(i: number): Uint8Array {
  return enc.encode(JSON.stringify({ t: "call", id: i, kind: "action", payload: { i } }) + "\n");
}

/** Runs `fn` against a fresh echo child, then stops it. */
async function withEchoChild<T>(
  fn: (
    writer: WritableStreamDefaultWriter<Uint8Array>,
    reader: ReadableStreamDefaultReader<Uint8Array>,
  ) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-pipe-" });
  const script = join(dir, "echo.ts");
  await Deno.writeTextFile(script, CHILD);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--no-config", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  const reader = child.stdout.getReader();
  try {
    return await fn(writer, reader);
  } finally {
    await writer.close().catch(() => {});
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

/** Times `n` sequential echo round trips (after `warm` uncounted ones); ms each. */
export function pipeEchoRoundTrips(n: number, warm = 1000): Promise<number[]> {
  return withEchoChild(async (writer, reader) => {
    const out: number[] = [];
    for (let i = 0; i < n + warm; i++) {
      const bytes = line(i);
      const t = performance.now();
      await writer.write(bytes);
      let got = 0;
      while (got < bytes.byteLength) {
        const { value, done } = await reader.read();
        if (done) throw new Error("echo child exited");
        got += value.byteLength;
      }
      if (i >= warm) out.push(performance.now() - t);
    }
    return out;
  });
}

/**
 * Pipelined echo: `inFlight` lines kept outstanding, one write per line (as a host writes one
 * frame per call); lines/s of each of `rounds` rounds of `total` lines (after one warm-up round).
 */
export function pipeEchoPipelined(
  total: number,
  inFlight: number,
  rounds: number,
): Promise<number[]> {
  return withEchoChild(async (writer, reader) => {
    const rates: number[] = [];
    for (let r = 0; r < rounds + 1; r++) {
      const t = performance.now();
      let sent = 0;
      let received = 0;
      const fill = () => {
        while (sent < total && sent - received < inFlight) writer.write(line(sent++));
      };
      fill();
      while (received < total) {
        const { value, done } = await reader.read();
        if (done) throw new Error("echo child exited");
        for (const b of value) if (b === 10) received++;
        fill();
      }
      if (r > 0) rates.push(total / ((performance.now() - t) / 1000));
    }
    return rates;
  });
}
