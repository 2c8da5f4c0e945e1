/**
 * A plugin process's start handshake, host side: `init` once the start's gate passed, the `hello`
 * checked, `ready`, then the runner's after-ready step (the CPU quota). Moved out of
 * `plugin_process.ts`, which feeds it the frames as they arrive.
 */
import { PluginStartError } from "./errors.ts";
import { helloProblem } from "./hello_check.ts";
import type { ChildFrame, HandlerSet } from "./protocol.ts";
import type { ExitInfo, PluginProcessOptions } from "./plugin_process_types.ts";
import type { RunningChild } from "./runner.ts";
import { startGuards } from "./_start_guards.ts";

/** What {@linkcode handshake} needs from the process it starts. */
export interface HandshakeOptions {
  /** The process's options, defaults applied. */
  options: Pick<PluginProcessOptions, "pluginId" | "version" | "plan" | "expectedHandlers"> & {
    readyTimeoutMs: number;
    config: Record<string, unknown>;
    initGate?: () => Promise<void>;
  };
  child: RunningChild;
  exited: Promise<ExitInfo>;
  /** The plugin's last output, for a failed start's message. */
  tail: () => string;
  /** Sends one frame to the plugin. */
  send: (frame: Record<string, unknown>) => void;
  /** Resolve with the `hello` frame and at `ready`, as the frame reader sees them. */
  hello: Promise<Extract<ChildFrame, { t: "hello" }>>;
  ready: Promise<void>;
  /** Told the handlers of an accepted `hello`, before `ready` is awaited. */
  onHandlers: (handlers: HandlerSet) => void;
}

/** Runs the handshake; throws `PluginStartError` when a step fails or a guard fires. */
export async function handshake(o: HandshakeOptions): Promise<void> {
  const id = o.options.pluginId;
  const guards = startGuards({
    pluginId: id,
    readyTimeoutMs: o.options.readyTimeoutMs,
    exited: o.exited,
    channel: o.child.channel,
    tail: o.tail,
  });
  try {
    // init goes out once the gate (the integrity check, run while the process started) passed,
    // without waiting for hello: the shim loads the entry only once init came, and a start does
    // not wait for the host to wake between hello and init. A plugin whose hello is refused
    // below never gets to serve a call.
    if (o.options.initGate) await guards.race(o.options.initGate());
    const plan = o.options.plan;
    o.send({
      t: "init",
      plugin: { id, version: o.options.version },
      config: o.options.config,
      paths: plan.paths,
      quota: { data_mb: plan.quota.dataMb, tmp_mb: plan.quota.tmpMb },
    });
    const h = await guards.race(o.hello);
    const problem = helloProblem(h, o.options.expectedHandlers);
    if (problem) throw new PluginStartError(id, problem.reason, problem.message);
    o.onHandlers(h.handlers);
    await guards.race(o.ready);
    // The CPU quota waits for ready: Deno's start-up is multi-threaded and a quota taxes it.
    await o.child.ready().catch((e) => {
      throw new PluginStartError(id, "caps", `cannot apply its CPU quota: ${e}`, { cause: e });
    });
  } finally {
    guards.dispose();
  }
}
