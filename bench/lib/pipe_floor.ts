/**
 * The IPC floor: round trips of one small NDJSON line to a bare `deno run` child that echoes it
 * (no sandbox, no plugd protocol). What any stdio-based plugin host on this machine pays.
 */
import { join } from "node:path";
import { type EchoChannel, echoPipelined, echoRoundTrips } from "./echo_timing.ts";

const CHILD = `
const buf = new Uint8Array(65536);
for (;;) {
  const n = await Deno.stdin.read(buf);
  if (n === null) break;
  let off = 0;
  while (off < n) off += Deno.stdout.writeSync(buf.subarray(off, n));
}
`;

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
  return withEchoChild((writer, reader) => echoRoundTrips(pipeChannel(writer, reader), n, warm));
}

/** Pipelined echo over the pipes ({@linkcode echoPipelined}); lines/s of each round. */
export function pipeEchoPipelined(
  total: number,
  inFlight: number,
  rounds: number,
): Promise<number[]> {
  return withEchoChild((writer, reader) =>
    echoPipelined(pipeChannel(writer, reader), total, inFlight, rounds)
  );
}

function pipeChannel(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): EchoChannel {
  return {
    write: (bytes) => writer.write(bytes),
    read: async () => {
      const { value, done } = await reader.read();
      return done ? null : value;
    },
  };
}
