/** `plugd registry serve`: runs a registry server until SIGTERM/SIGINT. */
import { loadRegistryConfig, RegistryServer } from "../registry_server/mod.ts";
import type { Command } from "./command.ts";

export const registryServeCommand: Command = {
  path: "registry serve",
  args: "",
  summary: "run a registry server (own state dir, database and port; default 127.0.0.1:7430)",
  arity: [0, 0],
  options: {
    http: { type: "string" },
    "db-url": { type: "string" },
    "public-url": { type: "string" },
    "open-signup": { type: "boolean" },
  },
  async run({ options, io }) {
    const config = loadRegistryConfig({
      stateDir: options["state-dir"] as string | undefined,
      http: options.http as string | undefined,
      dbUrl: options["db-url"] as string | undefined,
      publicUrl: options["public-url"] as string | undefined,
      openSignup: options["open-signup"] ? true : undefined,
    }, io.env);
    const log = (line: string) => io.err(`plugd-registry: ${line}`);
    log(`starting (state ${config.stateDir})`);
    const server = await RegistryServer.start(config, log);
    const stopped = Promise.withResolvers<void>();
    const onSignal = () => {
      log("stopping");
      server.stop().finally(() => stopped.resolve());
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
