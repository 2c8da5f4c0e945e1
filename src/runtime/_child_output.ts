/** Reading a plugin child's output: which stream carries its frames, and the rest as its log. */
import { readLines } from "./frame_reader.ts";
import type { RunningChild } from "./runner.ts";

/** Read size for a busy stream that carries only log lines (an idle one holds 1 KiB). */
const LOG_CHUNK_BYTES = 4 * 1024;

/** Where the lines of a child's output go. */
export interface ChildOutputHandlers {
  /** A line of the protocol channel; `socket` when it came on the protocol socket. */
  frame(line: string, socket: boolean): void;
  /** A line of plain output (empty stdout lines are skipped). */
  print(stream: "stdout" | "stderr", line: string): void;
  /** A line over the size limit (discarded while it streamed). */
  oversized(stream: "channel" | "stdout" | "stderr", prefix: string, total: number): void;
}

/**
 * Reads a plugin child's output to its end. With a protocol socket, frames come on it and stdout
 * is the plugin's plain output: nothing printed there is parsed, so a print cannot pass for a
 * frame. Without one (flags-only mode), frames come on stdout among the prints. Resolves once
 * every stream has ended; the socket is closed at its end (the host only half-closes it to stop).
 */
export function readChildOutput(child: RunningChild, on: ChildOutputHandlers): Promise<unknown> {
  const socket = child.channel?.then(
    (conn) =>
      readLines(conn, {
        onLine: (l) => on.frame(l, true),
        onOversized: (p, n) => on.oversized("channel", p, n),
      }).finally(() => conn.close()),
    () => {}, // a connection that failed its nonce fails the handshake (see PluginProcess)
  );
  // Plain output needs no large reads: with a socket, stdout and stderr read 4 KiB at most.
  const chunkBytes = socket ? LOG_CHUNK_BYTES : undefined;
  const out = readLines(child.stdout, {
    onLine: socket ? (l) => l && on.print("stdout", l) : (l) => on.frame(l, false),
    onOversized: (p, n) => on.oversized(socket ? "stdout" : "channel", p, n),
    chunkBytes,
  });
  const err = readLines(child.stderr, {
    onLine: (l) => on.print("stderr", l),
    onOversized: (p, n) => on.oversized("stderr", p, n),
    chunkBytes,
  });
  return Promise.allSettled([out, err, socket]);
}
