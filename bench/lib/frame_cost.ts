/**
 * The JSON and framing part of one call, in-process and with plugd's own code: the host encodes
 * a call frame, the shim parses it, encodes its result, the host parses and validates that line.
 * What is left of a round trip after this and the pipe echo is scheduling and bookkeeping.
 */
import { parseChildLine } from "../../src/runtime/protocol.ts";
import { noopEvent } from "./bench_plugin.ts";
import { cpuSeconds } from "./proc.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Mean CPU µs per call over `n` calls (after a warm-up of the same size), from this process's CPU
 * time in /proc (10 ms ticks, so `n` should make the loop last well over 100 ms): unlike the wall
 * clock it does not count the time the loaded machine ran someone else.
 */
export async function frameCostMicros(n: number): Promise<number> {
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
  const before = await cpuSeconds(Deno.pid);
  for (let i = 1; i <= n; i++) once(i);
  return (await cpuSeconds(Deno.pid) - before) * 1e6 / n;
}
