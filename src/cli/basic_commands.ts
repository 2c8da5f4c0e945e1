import { VERSION } from "../version.ts";
import type { Command } from "./command.ts";
import { ApiClient } from "./client.ts";
import { print } from "./output.ts";

/** `plugd version`: the CLI's version, and the daemon's when it is reachable with --json. */
export const versionCommand: Command = {
  path: "version",
  args: "",
  summary: "print the version",
  arity: [0, 0],
  run(ctx) {
    print(ctx, { version: VERSION }, () => `plugd ${VERSION}`);
    return Promise.resolve(0);
  },
};

/** `plugd status`: the daemon's health. */
export const statusCommand: Command = {
  path: "status",
  args: "",
  summary: "show whether the daemon is up, its version and uptime",
  arity: [0, 0],
  async run(ctx) {
    using client = ApiClient.fromContext(ctx);
    const health = await client.request<{ version: string; state: string; uptime_s: number }>(
      "GET",
      "/v1/health",
    );
    print(
      ctx,
      health,
      () => `plugd ${health.version} ${health.state} (up ${health.uptime_s}s) at ${client.target}`,
    );
    return 0;
  },
};
