import { loadConfig } from "../config/mod.ts";
import { Daemon, daemonServices } from "../daemon/mod.ts";
import { VERSION } from "../version.ts";
import type { Command } from "./command.ts";

/** `plugd daemon`: runs the daemon until SIGTERM/SIGINT, then stops gracefully. */
export const daemonCommand: Command = {
  path: "daemon",
  args: "",
  summary: "run the daemon (HTTP on 127.0.0.1:7420 and the Unix socket)",
  arity: [0, 0],
  options: {
    dev: { type: "boolean" },
    config: { type: "string" },
    http: { type: "string" },
    "db-url": { type: "string" },
  },
  async run({ options, io }) {
    const config = await loadConfig({
      dev: options.dev ? true : undefined,
      config: options.config as string | undefined,
      http: options.http as string | undefined,
      dbUrl: options["db-url"] as string | undefined,
      stateDir: options["state-dir"] as string | undefined,
      socket: options.socket as string | undefined,
    }, io.env);
    const log = (m: string) => io.err(`plugd: ${m}`);
    log(`plugd ${VERSION} starting (state ${config.stateDir}; ${config.sources.join(" < ")})`);
    if (config.dev) log("DEV MODE: unsigned local plugins are allowed (and audited as such)");
    const daemon = await Daemon.start(config, { log, services: daemonServices });
    const stopped = Promise.withResolvers<void>();
    const onSignal = () => {
      log("stopping: draining requests and stopping plugins");
      const force = setTimeout(() => {
        log("graceful stop took too long; exiting");
        Deno.exit(1);
      }, 10_000);
      daemon.stop().finally(() => {
        clearTimeout(force);
        stopped.resolve();
      });
    };
    Deno.addSignalListener("SIGTERM", onSignal);
    Deno.addSignalListener("SIGINT", onSignal);
    await stopped.promise;
    Deno.removeSignalListener("SIGTERM", onSignal);
    Deno.removeSignalListener("SIGINT", onSignal);
    log("stopped");
    return 0;
  },
};
