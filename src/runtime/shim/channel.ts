/**
 * The shim's end of the NDJSON channel: the protocol socket both ways when the host gave one (a
 * socket is read on the event loop, stdin on a blocking thread, which cost a thread hop per frame;
 * stdout is then the plugin's plain output, never parsed for frames), else stdin and stdout.
 */
import { SocketWriter } from "./socket_writer.ts";
import { type HostFrame, MAX_FRAME_BYTES, type WireError } from "./wire.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let results: string[] = [];

/** Largest frame whose UTF-8 size needs no measuring: 3 bytes per UTF-16 unit at most. */
const SURELY_SMALL = Math.floor(MAX_FRAME_BYTES / 3);

/**
 * Write frames as lines on the channel (after the results still coalescing), in one write: the
 * host reads them in one wake-up. On the socket a lone log frame is dropped while the daemon has
 * megabytes of frames left to read (see SocketWriter); how many is reported in the next frame sent
 * once it caught up.
 */
export function send(...frames: unknown[]): void {
  flush();
  const dropped = socket?.takeDropped() ?? 0;
  if (dropped > 0) {
    const msg = `${dropped} log lines dropped in the plugin: it logged faster than plugd read them`;
    writeAll(encoder.encode(JSON.stringify({ t: "log", level: "warn", msg }) + "\n"));
  }
  const text = frames.map((f) => JSON.stringify(f) + "\n").join("");
  const log = frames.length === 1 && (frames[0] as { t?: unknown }).t === "log";
  writeAll(encoder.encode(text), log);
}

/**
 * Sends the result of call `id`. Results are coalesced: those produced in one turn of the
 * microtask queue go out as one text, encoded once, in one write (one wake-up of the host for a
 * burst of calls). A result over the protocol's size limit is replaced by an error.
 */
export function sendResult(id: number, ok: boolean, valueOrError: unknown): void {
  let line = JSON.stringify(
    ok
      ? { t: "result", id, ok, value: valueOrError }
      : { t: "result", id, ok, error: valueOrError },
  );
  if (line.length > SURELY_SMALL && encoder.encode(line).byteLength > MAX_FRAME_BYTES) {
    line = JSON.stringify({
      t: "result",
      id,
      ok: false,
      error: { name: "RangeError", message: "result larger than the 1 MiB protocol limit" },
    });
  }
  if (results.length === 0) queueMicrotask(flush);
  results.push(line);
}

/** Hands the coalesced results to the channel now (also on exit: see `unload` below). */
export function flush(): void {
  if (results.length === 0) return;
  const text = results.length === 1 ? results[0] + "\n" : results.join("\n") + "\n";
  results = [];
  writeAll(encoder.encode(text));
}

/** The socket's writer once the channel is open; until then (and without one), stdout. */
let socket: SocketWriter | undefined;

function writeAll(bytes: Uint8Array, droppable = false): void {
  if (socket) return socket.write(bytes, droppable);
  let off = 0;
  while (off < bytes.byteLength) off += Deno.stdout.writeSync(bytes.subarray(off));
}

/**
 * Raw bytes on the channel, after every frame sent before. The shim has no other writer; plugin
 * code runs in the same process and can reach this module too, so the host treats every byte on
 * the channel as the plugin's own, untrusted.
 */
export function writeBytes(bytes: Uint8Array): void {
  flush();
  writeAll(bytes);
}

/** Resolves once every frame sent so far is written: the shim's own exits await it. */
export function drained(): Promise<void> {
  flush();
  return socket?.drained() ?? Promise.resolve();
}

// Deno.exit() (a plugin's own exit) dispatches "unload" and cannot wait: the coalesced results
// and every queued frame are handed to the socket in one write, which the kernel takes at once.
globalThis.addEventListener("unload", () => {
  flush();
  socket?.exitFlush();
});

let source: { read(p: Uint8Array): Promise<number | null> } = Deno.stdin;

/**
 * Reads the nonce line from stdin (at most 256 bytes). With a socket, stdin carries nothing else
 * and the host closes it, so whole reads are fine: a stdin read is a thread hop, one per byte
 * would slow the start.
 */
async function stdinLine(): Promise<string> {
  const buf = new Uint8Array(256);
  let size = 0;
  while (size < buf.byteLength) {
    const n = await Deno.stdin.read(buf.subarray(size));
    if (n === null) break;
    size += n;
    const nl = buf.subarray(0, size).indexOf(10);
    if (nl !== -1) return decoder.decode(buf.subarray(0, nl));
  }
  throw new Error("the host sent no channel nonce on stdin");
}

/**
 * Connects to the protocol socket named by the bootstrap's first argument, if any: presents the
 * nonce the host wrote on stdin, then revokes the read, write and net access the connect needed,
 * so the plugin, loaded after this, runs with exactly its grant and cannot connect again.
 */
export async function openChannel(): Promise<void> {
  const path = Deno.args[0];
  if (path === undefined) return;
  const nonce = await stdinLine();
  const conn = await Deno.connect({ transport: "unix", path });
  const hello = encoder.encode(nonce + "\n");
  let off = 0;
  while (off < hello.byteLength) off += await conn.write(hello.subarray(off));
  Deno.permissions.revokeSync({ name: "read", path });
  Deno.permissions.revokeSync({ name: "write", path });
  Deno.permissions.revokeSync({ name: "net", host: `unix:${path}` });
  source = conn;
  socket = new SocketWriter(conn);
}

/** Read host frames from the channel until EOF, calling `onFrame` for each. */
export async function readFrames(onFrame: (frame: HostFrame) => void): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  let pending: Uint8Array[] = [];
  const lines = (text: string) => {
    for (const line of text.split("\n")) {
      if (line.length > 0) onFrame(JSON.parse(line) as HostFrame);
    }
  };
  while (true) {
    const n = await source.read(buf);
    if (n === null) return;
    const chunk = buf.subarray(0, n);
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      pending.push(chunk.slice());
      continue;
    }
    // Every whole line of the read decoded at once: a pipelined burst is hundreds of frames.
    if (pending.length > 0) {
      const first = chunk.indexOf(10);
      pending.push(chunk.subarray(0, first));
      lines(pending.map((p) => decoder.decode(p, { stream: true })).join("") + decoder.decode());
      pending = [];
      if (first < last) lines(decoder.decode(chunk.subarray(first + 1, last)));
    } else {
      lines(decoder.decode(chunk.subarray(0, last)));
    }
    if (last + 1 < n) pending.push(chunk.slice(last + 1));
  }
}

let nextId = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

/**
 * Ask the host to perform `op`; resolves with its value or rejects with its error. A call the
 * host would never see — arguments that are not JSON, or a frame over the protocol's size limit —
 * rejects at once instead of waiting forever.
 */
export function hostCall(op: string, args: unknown): Promise<unknown> {
  const id = nextId++;
  let bytes: Uint8Array;
  try {
    bytes = encoder.encode(JSON.stringify({ t: "host", id, op, args }) + "\n");
  } catch (e) {
    return Promise.reject(
      new TypeError(`${op}: the arguments are not JSON (${(e as Error).message})`),
    );
  }
  if (bytes.byteLength > MAX_FRAME_BYTES) {
    const mib = (bytes.byteLength / (1024 * 1024)).toFixed(1);
    return Promise.reject(
      new RangeError(
        `${op}: ${mib} MiB is over the ${MAX_FRAME_BYTES / (1024 * 1024)} MiB limit of one host ` +
          "call; split the value (e.g. several storage keys) or keep it in $DATA",
      ),
    );
  }
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    writeAll(bytes);
  });
}

/** Settle a pending host call from a `host_result` frame. */
export function settleHostCall(
  frame: { id: number; ok: boolean; value?: unknown; error?: WireError },
): void {
  const w = waiting.get(frame.id);
  if (!w) return;
  waiting.delete(frame.id);
  if (frame.ok) w.resolve(frame.value);
  else {
    const e = new Error(frame.error?.message ?? "host call failed");
    e.name = frame.error?.name ?? "Error";
    w.reject(e);
  }
}
