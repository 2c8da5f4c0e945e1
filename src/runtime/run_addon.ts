/**
 * Runs one system-addon operation to its end: the plan (bash inside the sandbox) started through
 * the {@linkcode Runner}, the config JSON written to its stdin, its output read line by line
 * (each line passed through `redact`, capped, progress lines picked out), killed at the timeout
 * or when `signal` aborts.
 */
import { readLines } from "./frame_reader.ts";
import type { LaunchPlan } from "./launch_plan.ts";
import type { Runner } from "./runner.ts";

/** Progress lines the runner's `plugd_progress PERCENT MESSAGE` writes on stderr. */
const PROGRESS = /^::plugd-progress::(\d{1,3}(?:\.\d+)?)::(.*)$/;

/** Longest output line kept, in bytes; longer lines are cut with a note. */
export const MAX_ADDON_LINE_BYTES = 16 * 1024;

/** Options of {@linkcode runAddon}. */
export interface RunAddonOptions {
  runner: Runner;
  /** Written to stdin, which is then closed. @default "" */
  stdin?: string;
  timeoutMs: number;
  /** Bytes of each stream kept (the newest lines; older ones are dropped and counted). */
  maxOutputBytes: number;
  /** Applied to every line before it is kept or passed on (hides secret values). @default identity */
  redact?: (line: string) => string;
  /** Each output line as it arrives (already redacted). */
  onLine?: (stream: "stdout" | "stderr", line: string) => void;
  /** Each `plugd_progress` line: percent (0–100) and message. */
  onProgress?: (percent: number, message: string) => void;
  /** Aborting kills the process (the result says `aborted`). */
  signal?: AbortSignal;
}

/** How an operation process ended. */
export interface AddonRunResult {
  /** Exit code (128 + signal number when killed by a signal). */
  code: number;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  /** The kept output (newest `maxOutputBytes` of each stream, redacted). */
  stdout: string;
  stderr: string;
  /** Bytes each stream produced in all. */
  stdoutBytes: number;
  stderrBytes: number;
  /** Whether older output was dropped to stay within the cap. */
  truncated: boolean;
  durationMs: number;
}

/** A byte-capped tail of lines. */
class Tail {
  lines: string[] = [];
  bytes = 0;
  total = 0;
  dropped = false;
  constructor(readonly cap: number) {}
  push(line: string, rawBytes: number): void {
    this.total += rawBytes + 1;
    this.lines.push(line);
    this.bytes += line.length + 1;
    while (this.bytes > this.cap && this.lines.length > 0) {
      this.bytes -= this.lines.shift()!.length + 1;
      this.dropped = true;
    }
  }
  text(): string {
    return this.lines.length === 0 ? "" : this.lines.join("\n") + "\n";
  }
}

/**
 * Runs `plan` to its end. Never throws for what the script does (a non-zero exit, a timeout);
 * throws only when the process cannot be started.
 *
 * @example
 * ```ts
 * const r = await runAddon(plan, { runner: processRunner(), timeoutMs: 30_000, maxOutputBytes: 65536 });
 * r.code; // 0
 * ```
 */
export async function runAddon(plan: LaunchPlan, o: RunAddonOptions): Promise<AddonRunResult> {
  if (!(o.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${o.timeoutMs}`);
  if (!(o.maxOutputBytes > 0)) throw new RangeError("maxOutputBytes must be > 0");
  const redact = o.redact ?? ((l: string) => l);
  const started = performance.now();
  const child = await o.runner.start(plan);
  // Bash has no ready handshake: the CPU quota applies at once (caps are never skipped).
  try {
    await child.ready();
  } catch (error) {
    child.kill("SIGTERM");
    await child.status;
    await child.released;
    throw error;
  }
  let timedOut = false;
  let aborted = false;
  // The keeper kills the sandbox's whole process group (bubblewrap's pid 1 takes its namespace).
  const kill = () => child.kill("SIGTERM");
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, o.timeoutMs);
  const onAbort = () => {
    aborted = true;
    kill();
  };
  o.signal?.addEventListener("abort", onAbort, { once: true });
  if (o.signal?.aborted) onAbort();
  const writeStdin = (async () => {
    const writer = child.stdin.getWriter();
    try {
      if (o.stdin) await writer.write(new TextEncoder().encode(o.stdin));
      await writer.close();
    } catch { /* the script exited without reading its input */ }
  })();
  const tails = { stdout: new Tail(o.maxOutputBytes), stderr: new Tail(o.maxOutputBytes) };
  const read = (stream: "stdout" | "stderr") =>
    readLines(child[stream], {
      maxLineBytes: MAX_ADDON_LINE_BYTES,
      prefixBytes: 4096,
      onLine: (raw) => {
        const progress = stream === "stderr" ? PROGRESS.exec(raw) : null;
        if (progress) {
          o.onProgress?.(Math.min(100, Number(progress[1])), redact(progress[2]!));
          return;
        }
        const line = redact(raw);
        tails[stream].push(line, raw.length);
        o.onLine?.(stream, line);
      },
      onOversized: (prefix, total) => {
        const line = `${redact(prefix)} [line of ${total} bytes cut by plugd]`;
        tails[stream].push(line, total);
        o.onLine?.(stream, line);
      },
    }).catch(() => {});
  const [status] = await Promise.all([child.status, read("stdout"), read("stderr"), writeStdin]);
  clearTimeout(timer);
  o.signal?.removeEventListener("abort", onAbort);
  await child.released;
  return {
    code: status.code,
    signal: status.signal,
    timedOut,
    aborted,
    stdout: tails.stdout.text(),
    stderr: tails.stderr.text(),
    stdoutBytes: tails.stdout.total,
    stderrBytes: tails.stderr.total,
    truncated: tails.stdout.dropped || tails.stderr.dropped,
    durationMs: Math.round(performance.now() - started),
  };
}
