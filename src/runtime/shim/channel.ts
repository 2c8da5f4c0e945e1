/** The shim's end of the NDJSON channel: synchronous writes, `Deno.stdin.read` reads. */
import { type HostFrame, MAX_FRAME_BYTES, type WireError } from "./wire.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let results: Uint8Array[] = [];
let resultBytes = 0;

/**
 * Write one frame as a line on the real stdout. Frames too large are replaced by `fallback`.
 * Results are coalesced: those produced in one turn of the microtask queue go out in one write
 * (one wake-up of the host for a burst of calls); any other frame writes them first, then itself.
 */
export function send(frame: unknown, fallback?: () => unknown): void {
  let bytes = encoder.encode(JSON.stringify(frame) + "\n");
  if (bytes.byteLength > MAX_FRAME_BYTES && fallback) {
    bytes = encoder.encode(JSON.stringify(fallback()) + "\n");
  }
  if ((frame as { t?: unknown }).t === "result") {
    if (results.length === 0) queueMicrotask(flush);
    results.push(bytes);
    resultBytes += bytes.byteLength;
    return;
  }
  flush();
  writeAll(bytes);
}

/** Writes the coalesced results now (also on exit: see the `unload` listener below). */
export function flush(): void {
  if (results.length === 0) return;
  let out = results[0]!;
  if (results.length > 1) {
    out = new Uint8Array(resultBytes);
    let at = 0;
    for (const r of results) {
      out.set(r, at);
      at += r.byteLength;
    }
  }
  results = [];
  resultBytes = 0;
  writeAll(out);
}

function writeAll(bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.byteLength) off += Deno.stdout.writeSync(bytes.subarray(off));
}

// Deno.exit() (shutdown, a plugin's own exit) dispatches "unload": no result is left behind.
globalThis.addEventListener("unload", flush);

/** Read host frames from stdin until EOF, calling `onFrame` for each. */
export async function readFrames(onFrame: (frame: HostFrame) => void): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  let pending: Uint8Array[] = [];
  while (true) {
    const n = await Deno.stdin.read(buf);
    if (n === null) return;
    let chunk = buf.subarray(0, n);
    let nl: number;
    while ((nl = chunk.indexOf(10)) !== -1) {
      pending.push(chunk.subarray(0, nl));
      const line = pending.length === 1
        ? decoder.decode(pending[0])
        : pending.map((p) => decoder.decode(p, { stream: true })).join("") + decoder.decode();
      pending = [];
      chunk = chunk.subarray(nl + 1);
      if (line.length > 0) onFrame(JSON.parse(line) as HostFrame);
    }
    if (chunk.byteLength > 0) pending.push(chunk.slice());
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
