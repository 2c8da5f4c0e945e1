/** `plugd registry serve`: runs a registry server until SIGTERM/SIGINT. */
import type { Command } from "./command.ts";

export const registryServeCommand: Command = {
  path: "registry serve",
  args: "",
  summary: "run a registry server (own state dir, database and port; default 127.0.0.1:7430)",
  arity: [0, 0],
  options: {
    http: {
      type: "string",
      value: "HOST:PORT",
      description: "address to serve on (default 127.0.0.1:7430)",
    },
    "db-url": {
      type: "string",
      value: "URL",
      description: "the registry's libSQL database (default file:<state>/registry.db)",
    },
    "public-url": {
      type: "string",
      value: "URL",
      description: "the URL clients reach the registry at (for links in indexes)",
    },
    "open-signup": { type: "boolean", description: "let anyone create a publisher account" },
  },
  async run({ options, io }) {
    // Loaded here: every other plugd process (the daemon above all) does without the server.
    const { loadRegistryConfig, RegistryServer } = await import("../registry_server/mod.ts");
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
