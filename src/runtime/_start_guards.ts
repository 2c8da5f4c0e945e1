/** What ends a plugin's start early: the ready timeout, its exit, a channel that failed its nonce. */
import { PluginStartError } from "./errors.ts";
import type { ExitInfo } from "./plugin_process_types.ts";

/** The three ways a start can fail while it waits for the plugin's next handshake frame. */
export interface StartGuards {
  /** Resolves with `step`, or rejects with the `PluginStartError` of whichever guard fired. */
  race<T>(step: Promise<T>): Promise<T>;
  /** Clears the timer (the start is over either way). */
  dispose(): void;
}

/** Options of {@linkcode startGuards}. */
export interface StartGuardOptions {
  pluginId: string;
  readyTimeoutMs: number;
  /** The process's exit. */
  exited: Promise<ExitInfo>;
  /** The protocol socket's connection, when the launch has one. */
  channel?: Promise<unknown>;
  /** The plugin's last output, for the error message ("; last output: ..."). */
  tail: () => string;
}

/** Arms the guards of one start; `dispose()` them once it is over. */
export function startGuards(o: StartGuardOptions): StartGuards {
  const id = o.pluginId;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const msg = `no ready handshake within ${o.readyTimeoutMs} ms${o.tail()}`;
      reject(new PluginStartError(id, "ready_timeout", msg));
    }, o.readyTimeoutMs);
  });
  const hook = exitHook(o.exited);
  const exited = new Promise<never>((_, reject) => {
    hook.on = (x) => {
      const msg = `process exited with code ${x.code} before it was ready${o.tail()}`;
      reject(new PluginStartError(id, "exited", msg));
    };
    hook.fail = reject;
  });
  // A connection that failed the nonce fails the start at once (the launch is contained).
  const channelFailed = new Promise<never>((_, reject) =>
    o.channel?.catch((e) =>
      reject(new PluginStartError(id, "channel", (e as Error).message, { cause: e }))
    )
  );
  for (const p of [timeout, exited, channelFailed]) p.catch(() => {});
  return {
    race: (step) => Promise.race([step, timeout, exited, channelFailed]),
    dispose: () => {
      clearTimeout(timer);
      hook.on = hook.fail = undefined;
    },
  };
}

/**
 * A reaction on the process's exit that `dispose()` can empty. The reaction lives as long as the
 * process; holding only this hook, it does not keep the guards' promises, and every `race` of the
 * start registered on them, for that long (a closure in `startGuards` would hold its whole scope).
 */
function exitHook(exited: Promise<ExitInfo>): ExitHook {
  const hook: ExitHook = {};
  exited.then((x) => hook.on?.(x), (e) => hook.fail?.(e));
  return hook;
}

/** What {@linkcode exitHook} calls: at the exit, or when the exit's promise rejects. */
interface ExitHook {
  on?: (x: ExitInfo) => void;
  fail?: (e: unknown) => void;
}
