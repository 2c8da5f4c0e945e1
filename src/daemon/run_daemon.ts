/**
 * The daemon as a process: start, tell systemd when ready, reload on SIGHUP, stop gracefully on
 * SIGTERM/SIGINT. `plugd daemon` calls this; tests drive `Daemon` directly.
 */
import type { Config } from "../config/mod.ts";
import { VERSION } from "../version.ts";
import { Daemon, type DaemonLog, type ServiceFactory } from "./daemon.ts";
import { notifySystemd } from "./sd_notify.ts";

/** Options of {@linkcode runDaemon}. */
export interface RunDaemonOptions {
  log: DaemonLog;
  services: ServiceFactory;
  /** Re-reads the configuration (same flags, file and environment) for a reload. */
  reloadConfig: () => Promise<Config>;
  /** Longest graceful stop before exiting anyway. @default 25000 (the unit allows 30 s) */
  stopTimeoutMs?: number;
}

/** Runs the daemon until SIGTERM or SIGINT; resolves with the exit code. */
export async function runDaemon(config: Config, options: RunDaemonOptions): Promise<number> {
  const { log, services, reloadConfig, stopTimeoutMs = 25_000 } = options;
  const notify = async (state: string) => {
    const result = await notifySystemd(state);
    if (!result.sent && result.reason !== "NOTIFY_SOCKET is not set") log(result.reason);
  };
  // SIGTERM/SIGINT are taken from the very start: one that arrives while the daemon is still
  // starting stops it as soon as it is up (instead of killing it half-started).
  let daemon: Daemon | null = null;
  let stopAsked = false;
  let stopping = false;
  const stopped = Promise.withResolvers<number>();
  const onStop = async () => {
    stopAsked = true;
    if (!daemon) return log("stop requested while starting: stopping once started");
    if (stopping) return;
    stopping = true;
    const running = daemon;
    log("stopping: draining requests and stopping plugins");
    await notify("STOPPING=1\nSTATUS=stopping");
    const force = setTimeout(() => {
      log(`graceful stop took longer than ${stopTimeoutMs} ms; exiting`);
      stopped.resolve(1);
    }, stopTimeoutMs);
    running.stop().finally(() => {
      clearTimeout(force);
      stopped.resolve(0);
    });
  };
  Deno.addSignalListener("SIGTERM", onStop);
  Deno.addSignalListener("SIGINT", onStop);
  try {
    daemon = await Daemon.start(config, { log, services });
  } catch (error) {
    Deno.removeSignalListener("SIGTERM", onStop);
    Deno.removeSignalListener("SIGINT", onStop);
    throw error;
  }
  const started = daemon;
  const where = config.http
    ? `http://${config.http.hostname}:${config.http.port} and unix:${config.socketPath}`
    : `unix:${config.socketPath}`;
  log(`ready: serving ${where}`);
  await notify(`READY=1\nSTATUS=serving ${where}`);

  let reloading = Promise.resolve();
  const onHangup = () => {
    reloading = reloading.then(() => reload(started, reloadConfig, log, notify));
  };
  Deno.addSignalListener("SIGHUP", onHangup);
  if (stopAsked) void onStop();
  try {
    const code = await stopped.promise;
    log(code === 0 ? "stopped" : "stopped without finishing the graceful stop");
    return code;
  } finally {
    Deno.removeSignalListener("SIGHUP", onHangup);
    Deno.removeSignalListener("SIGTERM", onStop);
    Deno.removeSignalListener("SIGINT", onStop);
  }
}

/** One reload: re-read, apply what can change live, name the rest; a bad file changes nothing. */
async function reload(
  daemon: Daemon,
  reloadConfig: () => Promise<Config>,
  log: DaemonLog,
  notify: (state: string) => Promise<void>,
): Promise<void> {
  await notify(`RELOADING=1\nSTATUS=reloading the configuration`);
  try {
    const next = await reloadConfig();
    const changes = await daemon.reload(next);
    if (changes.length === 0) log("reload: configuration unchanged");
    for (const c of changes) {
      log(
        c.live
          ? `reload: ${c.key} ${c.from} -> ${c.to}: applied`
          : `reload: ${c.key} ${c.from} -> ${c.to}: NOT applied, this setting needs a restart ` +
            `(systemctl restart plugd)`,
      );
    }
  } catch (error) {
    log(`reload failed, keeping the running configuration: ${(error as Error).message}`);
  }
  log(`reload done (plugd ${VERSION}; plugins and connections untouched)`);
  await notify("READY=1\nSTATUS=serving");
}
