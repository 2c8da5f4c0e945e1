/**
 * The JSON and framing part of one call, in-process and with plugd's own code: the host encodes
 * a call frame, the shim parses it, encodes its result, the host parses and validates that line.
 * What is left of a round trip after this and the pipe echo is scheduling and bookkeeping.
 */
import { parseChildLine } from "../../src/runtime/protocol.ts";
import { noopEvent } from "./bench_plugin.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Mean µs per call over `n` calls (after a warm-up of the same size). */
export function frameCostMicros(n: number): number {
  const once = (i: number) => {
    const call = encoder.encode(
      JSON.stringify({
        t: "call",
        id: i,
        kind: "action",
        name: "bench.noop",
        payload: noopEvent(i),
      }) +
        "\n",
    );
    const seen = JSON.parse(decoder.decode(call.subarray(0, call.byteLength - 1)));
    const result = encoder.encode(
      JSON.stringify({ t: "result", id: seen.id, ok: true, value: { ok: true } }) + "\n",
    );
    const frame = parseChildLine(decoder.decode(result.subarray(0, result.byteLength - 1)));
    if (frame?.t !== "result") throw new Error("the result frame did not parse");
  };
  for (let i = 1; i <= n; i++) once(i);
  const t = performance.now();
  for (let i = 1; i <= n; i++) once(i);
  return (performance.now() - t) * 1000 / n;
}
