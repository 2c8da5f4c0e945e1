/**
 * The process behind a plugin, as a small interface (like HashiCorp go-plugin's runner): the
 * supervisor and `PluginProcess` only ever see a {@linkcode RunningChild}, so their tests can use
 * an in-memory fake instead of a real process.
 */
import type { LaunchPlan } from "./launch_plan.ts";

/** A started child: its stdio, exit and cleanup. */
export interface RunningChild {
  /** The spawned process (the launcher, or bubblewrap after it `exec`s). */
  readonly pid: number;
  /** Frames to the child, unless it has a {@linkcode RunningChild.channel} (then closed). */
  readonly stdin: WritableStream<Uint8Array>;
  /**
   * The protocol socket's one authenticated connection, when the plan has a channel: frames to
   * the child go there. Rejects when the child never connected or a connection failed the nonce.
   */
  readonly channel?: Promise<Deno.UnixConn>;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  /** Resolves when the process exited. */
  readonly status: Promise<{ code: number; signal: Deno.Signal | null }>;
  /** Resolves when what the start set up (cgroups, files) is removed; after `status`. */
  readonly released: Promise<void>;
  /**
   * Called once the child answered the ready handshake: applies what waits for it (the CPU
   * quota). Throws when it cannot; the caller then stops the child (caps are never skipped).
   */
  ready(): Promise<void>;
  /** Sends a signal; a child that is already gone is ignored. */
  kill(signal: Deno.Signal): void;
}

/** Starts launch plans. */
export interface Runner {
  /** Sets up what `plan` needs (cgroups, the arguments file) and spawns it. */
  start(plan: LaunchPlan): Promise<RunningChild>;
}
