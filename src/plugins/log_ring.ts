import type { CallKind, LogLine } from "../runtime/mod.ts";

/** Default size cap of one plugin's log ring (SPEC §8: 1 MiB). */
export const LOG_RING_BYTES = 1024 * 1024;

/**
 * Per-plugin in-memory log rings, capped by bytes, with followers for `logs?follow=true`.
 * Oldest lines are dropped first.
 */
export class LogRings {
  #rings = new Map<string, { lines: LogLine[]; bytes: number }>();
  #followers = new Map<string, Set<(line: LogLine) => void>>();
  #capBytes: number;

  constructor(capBytes = LOG_RING_BYTES) {
    this.#capBytes = capBytes;
  }

  /** Appends a line from plugd itself (`stream: "system"`) about `pluginId`. */
  system(pluginId: string, level: "info" | "warn" | "error", msg: string): void {
    this.push(pluginId, { ts: Date.now(), stream: "system", level, msg });
  }

  /** Appends a line to `pluginId`'s ring and tells its followers. */
  push(pluginId: string, line: LogLine): void {
    let ring = this.#rings.get(pluginId);
    if (!ring) this.#rings.set(pluginId, ring = { lines: [], bytes: 0 });
    const size = line.msg.length + 64;
    ring.lines.push(line);
    ring.bytes += size;
    while (ring.bytes > this.#capBytes && ring.lines.length > 1) {
      const dropped = ring.lines.shift()!;
      ring.bytes -= dropped.msg.length + 64;
    }
    for (const follower of this.#followers.get(pluginId) ?? []) follower(line);
  }

  /** The last `limit` lines of `pluginId`. */
  tail(pluginId: string, limit = 200): LogLine[] {
    return (this.#rings.get(pluginId)?.lines ?? []).slice(-limit);
  }

  /** Calls `onLine` for each new line until the returned function is called. */
  follow(pluginId: string, onLine: (line: LogLine) => void): () => void {
    let set = this.#followers.get(pluginId);
    if (!set) this.#followers.set(pluginId, set = new Set());
    set.add(onLine);
    return () => set.delete(onLine);
  }

  /** Forgets a plugin's lines (on uninstall). */
  clear(pluginId: string): void {
    this.#rings.delete(pluginId);
  }
}

/**
 * The line logged when a call into a plugin fails (an action whose handler threw "fetch failed",
 * a timeout, ...), so `plugd plugin logs` shows what the event results show.
 */
export function callFailedLine(kind: CallKind, name: string, error: unknown): LogLine {
  const e = error as { name?: string; message?: string };
  return {
    ts: Date.now(),
    stream: "system",
    level: "error",
    msg: `${kind} ${name} failed: ${e?.message ?? String(error)}`,
    fields: { kind, hook: name, error: e?.name ?? "Error" },
  };
}
