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

/** Times `n` sequential echo round trips (after `warm` uncounted ones); ms each. */
export async function pipeEchoRoundTrips(n: number, warm = 1000): Promise<number[]> {
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
  const enc = new TextEncoder();
  const out: number[] = [];
  try {
    for (let i = 0; i < n + warm; i++) {
      const line = enc.encode(
        JSON.stringify({ t: "call", id: i, kind: "action", payload: { i } }) + "\n",
      );
      const t = performance.now();
      await writer.write(line);
      let got = 0;
      while (got < line.byteLength) {
        const { value, done } = await reader.read();
        if (done) throw new Error("echo child exited");
        got += value.byteLength;
      }
      if (i >= warm) out.push(performance.now() - t);
    }
  } finally {
    await writer.close().catch(() => {});
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
  return out;
}
