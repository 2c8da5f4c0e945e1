import { type ConfigFlags, loadConfig } from "../config/mod.ts";
import { daemonServices, runDaemon } from "../daemon/mod.ts";
import { makeUnitBinFolders } from "../runtime/mod.ts";
import { switchOnTracing } from "../tracing/mod.ts";
import { VERSION } from "../version.ts";
import type { Command } from "./command.ts";

/**
 * `plugd daemon`: runs the daemon until SIGTERM/SIGINT, then stops gracefully; SIGHUP re-reads
 * the configuration file (`systemctl reload plugd`).
 */
export const daemonCommand: Command = {
  path: "daemon",
  args: "",
  summary: "run the daemon (HTTP on 127.0.0.1:7420 and the Unix socket)",
  arity: [0, 0],
  options: {
    dev: {
      type: "boolean",
      description: "dev mode: unsigned local plugins allowed (and audited as such)",
    },
    http: {
      type: "string",
      value: "HOST:PORT",
      description: 'TCP address of the HTTP API, or "off" (default 127.0.0.1:7420)',
    },
    "insecure-listen": {
      type: "boolean",
      description: "allow a non-loopback --http address without TLS (tokens in clear text)",
    },
    "db-url": {
      type: "string",
      value: "URL",
      description:
        "libSQL database: file:…, libsql://… or http(s)://… (default file:<state>/plugd.db)",
    },
  },
  async run({ options, io, cwd }) {
    // First, before anything is opened: an OTLP endpoint alone turns tracing on (a restart
    // of this same process with OTEL_DENO=true; returns only if there is nothing to do).
    switchOnTracing(io.env);
    const flags: ConfigFlags = {
      dev: options.dev ? true : undefined,
      insecureListen: options["insecure-listen"] ? true : undefined,
      config: options.config as string | undefined,
      http: options.http as string | undefined,
      dbUrl: options["db-url"] as string | undefined,
      stateDir: options["state-dir"] as string | undefined,
      socket: options.socket as string | undefined,
    };
    const reloadConfig = () => loadConfig(flags, io.env, { cwd });
    const config = await reloadConfig();
    const log = (m: string) => io.err(`plugd: ${m}`);
    log(`plugd ${VERSION} starting (state ${config.stateDir}; ${config.sources.join(" < ")})`);
    if (config.dev) log("DEV MODE: unsigned local plugins are allowed (and audited as such)");
    return await runDaemon(config, { log, services: daemonServices, reloadConfig });
  },
};

/**
 * `plugd sandbox-bin`: the unit's root step before `plugd daemon` (scripts/plugd.service,
 * `ExecStartPre=+`). Makes the folders of hard links to Deno and its libraries that the daemon,
 * running as its own user with the unit's capabilities, binds into each sandbox.
 */
export const sandboxBinCommand: Command = {
  path: "sandbox-bin",
  args: "",
  summary: "as root, before the daemon: make the sandbox's system-file folders (systemd unit)",
  arity: [0, 0],
  async run({ options, io, cwd }) {
    const config = await loadConfig(
      {
        config: options.config as string | undefined,
        stateDir: options["state-dir"] as string | undefined,
      },
      io.env,
      { cwd },
    );
    const made = await makeUnitBinFolders(config.stateDir, Deno.execPath());
    const folders = made.mounts.filter((m) => m.src.startsWith(`${made.root}/`)).length;
    io.err(
      `plugd: sandbox-bin: ${folders} folder(s) of hard links in ${made.root}, ` +
        `${made.mounts.length - folders} file bind(s)`,
    );
    return 0;
  },
};
