import type { Risk } from "../permissions/mod.ts";
import { callerPath, CliError, type Command, type CommandContext } from "./command.ts";
import { ApiClient } from "./client.ts";
import { print, table } from "./output.ts";
import { confirm } from "./prompt.ts";
import { formatCommandLine, localFlags } from "./plugin_local_commands.ts";

interface PluginView {
  id: string;
  version: string;
  state: string;
  failed_reason?: string | null;
  permissions: { requested: Record<string, string[]>; granted: unknown; risks: Risk[] };
  health?: unknown;
  stats?: Record<string, unknown>;
}

function risksTable(risks: Risk[]): string {
  if (risks.length === 0) return "  (no permissions requested)";
  return table(
    ["KIND", "VALUE", "RISK", "WHY"],
    risks.map((r) => [r.kind, r.value, r.level.toUpperCase(), r.reason]),
  ).split("\n").map((l) => `  ${l}`).join("\n");
}

/** A source: a local path is made absolute (the daemon has another cwd); `name@range` as is. */
function sourceArg(ctx: CommandContext, source: string): string {
  return /^[a-z0-9][a-z0-9-]*@/.test(source) ? source : callerPath(ctx, source);
}

async function call<T>(
  ctx: CommandContext,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  using client = ApiClient.fromContext(ctx);
  return await client.request<T>(method, path, body);
}

const id = (ctx: CommandContext) => encodeURIComponent(ctx.args[0]!);

export const pluginInstallCommand: Command = {
  path: "plugin install",
  args: "<folder|file.tgz|name@range>",
  summary: "install a plugin and show the permissions it requests",
  arity: [1, 1],
  options: {
    "allow-downgrade": {
      type: "boolean",
      description: "allow installing a lower version than the installed one",
    },
  },
  async run(ctx) {
    using client = ApiClient.fromContext(ctx);
    const result = await client.job<
      { id: string; version: string; risks: Risk[]; signed_by: string | null }
    >(
      "POST",
      "/v1/plugins",
      {
        source: sourceArg(ctx, ctx.args[0]!),
        allow_downgrade: ctx.options["allow-downgrade"] === true,
      },
      (msg) => ctx.io.err(`... ${msg}`),
    );
    print(ctx, result, () =>
      [
        `installed ${result.id} ${result.version}${
          result.signed_by ? ` (signed by ${result.signed_by})` : " (unsigned)"
        }`,
        "requested permissions:",
        risksTable(result.risks),
        `next: plugd plugin grant ${result.id}`,
      ].join("\n"));
    return 0;
  },
};

export const pluginGrantCommand: Command = {
  path: "plugin grant",
  args: "<id>",
  summary: "approve exactly the permissions a plugin requests (asks unless --yes)",
  arity: [1, 1],
  options: {
    yes: { type: "boolean", short: "y", description: "grant without asking" },
  },
  async run(ctx) {
    const view = await call<PluginView>(ctx, "GET", `/v1/plugins/${id(ctx)}`);
    if (!ctx.options.yes) {
      ctx.io.err(`${view.id} ${view.version} requests:\n${risksTable(view.permissions.risks)}`);
      if (!await confirm("Grant these permissions?")) {
        throw new CliError("not granted (answer y, or pass --yes)");
      }
    }
    const result = await call(ctx, "POST", `/v1/plugins/${id(ctx)}/grant`, {
      permissions: view.permissions.requested,
    });
    print(ctx, result, () => `granted ${view.id}; next: plugd plugin enable ${view.id}`);
    return 0;
  },
};

function stateCommand(action: "enable" | "disable" | "restart", summary: string): Command {
  return {
    path: `plugin ${action}`,
    args: "<id>",
    summary,
    arity: [1, 1],
    async run(ctx) {
      const view = await call<PluginView>(ctx, "POST", `/v1/plugins/${id(ctx)}/${action}`);
      print(ctx, view, () => `${view.id} ${view.version}: ${view.state}`);
      return 0;
    },
  };
}

export const pluginEnableCommand = stateCommand("enable", "start a granted plugin");
export const pluginDisableCommand = stateCommand("disable", "stop a plugin and keep it installed");
export const pluginRestartCommand = stateCommand("restart", "restart a plugin's process");

export const pluginListCommand: Command = {
  path: "plugin list",
  args: "",
  summary: "list installed plugins with state and version",
  arity: [0, 0],
  async run(ctx) {
    const { plugins } = await call<{ plugins: PluginView[] }>(ctx, "GET", "/v1/plugins");
    print(ctx, { plugins }, () =>
      plugins.length === 0 ? "no plugins installed" : table(
        ["ID", "VERSION", "STATE", "REASON"],
        plugins.map((p) => [p.id, p.version, p.state, p.failed_reason ?? ""]),
      ));
    return 0;
  },
};

export const pluginInfoCommand: Command = {
  path: "plugin info",
  args: "<id>",
  summary: "show a plugin's manifest, state, grants, health and stats",
  arity: [1, 1],
  async run(ctx) {
    const view = await call<PluginView>(ctx, "GET", `/v1/plugins/${id(ctx)}`);
    print(ctx, view, () =>
      [
        `${view.id} ${view.version}: ${view.state}${
          view.failed_reason ? ` (${view.failed_reason})` : ""
        }`,
        `granted: ${view.permissions.granted ? "yes" : "no"}`,
        "permissions:",
        risksTable(view.permissions.risks),
        `health: ${JSON.stringify(view.health ?? null)}`,
        `stats: ${JSON.stringify(view.stats ?? {})}`,
      ].join("\n"));
    return 0;
  },
};

export const pluginRemoveCommand: Command = {
  path: "plugin remove",
  args: "<id>",
  summary: "stop and uninstall a plugin (its data is kept unless --purge)",
  arity: [1, 1],
  options: { purge: { type: "boolean", description: "also delete its data and storage" } },
  async run(ctx) {
    const purge = ctx.options.purge === true;
    const result = await call(ctx, "DELETE", `/v1/plugins/${id(ctx)}${purge ? "?purge=true" : ""}`);
    print(ctx, result, () => `removed ${ctx.args[0]}${purge ? " and its data" : " (data kept)"}`);
    return 0;
  },
};

export const pluginUpdateCommand: Command = {
  path: "plugin update",
  args: "<id> <folder|file.tgz|@range>",
  summary: "install a new version; rolls back if it fails to start",
  arity: [2, 2],
  options: {
    "allow-downgrade": { type: "boolean", description: "allow a lower version" },
  },
  async run(ctx) {
    const src = ctx.args[1]!;
    const result = await call<PluginView>(ctx, "POST", `/v1/plugins/${id(ctx)}/update`, {
      source: src.startsWith("@") ? src : sourceArg(ctx, src),
      allow_downgrade: ctx.options["allow-downgrade"] === true,
    });
    print(ctx, result, () => `${result.id}: ${result.version} ${result.state}`);
    return 0;
  },
};

export const pluginFlagsCommand: Command = {
  path: "plugin flags",
  args: "<id|./dir>",
  summary: "print the exact sandbox and deno command line a plugin runs with",
  arity: [1, 1],
  async run(ctx) {
    const target = ctx.args[0]!;
    if (target.includes("/") || target === ".") {
      return await localFlags(ctx, callerPath(ctx, target));
    }
    const result = await call<{ argv: string[] }>(ctx, "GET", `/v1/plugins/${id(ctx)}/flags`);
    print(ctx, result, () => formatCommandLine(result.argv));
    return 0;
  },
};

export const pluginConfigCommand: Command = {
  path: "plugin config",
  args: "<id> [key=value ...]",
  summary: "show or set a plugin's configuration (secrets with --secret key=value)",
  arity: [1, Infinity],
  options: {
    secret: {
      type: "string",
      multiple: true,
      value: "KEY[=@FILE]",
      description: "set a secret: asked for on the terminal, or read from a file",
    },
  },
  async run(ctx) {
    const pairs = [...ctx.args.slice(1), ...((ctx.options.secret as string[] | undefined) ?? [])];
    if (pairs.length === 0) {
      const result = await call<{ config: Record<string, unknown> }>(
        ctx,
        "GET",
        `/v1/plugins/${id(ctx)}/config`,
      );
      print(
        ctx,
        result,
        () => Object.entries(result.config).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("\n"),
      );
      return 0;
    }
    const current = await call<{ config: Record<string, unknown> }>(
      ctx,
      "GET",
      `/v1/plugins/${id(ctx)}/config`,
    );
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(current.config)) if (v !== "********") values[k] = v;
    for (const pair of pairs) {
      const eq = pair.indexOf("=");
      if (eq < 1) throw new CliError(`expected key=value, got "${pair}"`, 2);
      const raw = pair.slice(eq + 1);
      values[pair.slice(0, eq)] = parseValue(raw);
    }
    const result = await call<{ config: Record<string, unknown> }>(
      ctx,
      "PUT",
      `/v1/plugins/${id(ctx)}/config`,
      { config: values },
    );
    print(ctx, result, () => `configured ${ctx.args[0]}`);
    return 0;
  },
};

function parseValue(raw: string): unknown {
  try {
    const value = JSON.parse(raw);
    return typeof value === "object" && value !== null || typeof value !== "string" ? value : raw;
  } catch {
    return raw;
  }
}

export const pluginLogsCommand: Command = {
  path: "plugin logs",
  args: "<id>",
  summary: "print a plugin's recent log lines (-f to follow)",
  arity: [1, 1],
  options: {
    follow: { type: "boolean", short: "f", description: "keep printing new lines" },
    limit: { type: "string", value: "N", description: "recent lines to print (default 200)" },
  },
  async run(ctx) {
    const limit = Number(ctx.options.limit ?? 200);
    const format = (l: { ts: number; stream: string; level: string; msg: string }) =>
      ctx.options.json
        ? JSON.stringify(l)
        : `${new Date(l.ts).toISOString()} ${l.stream} ${l.level} ${l.msg}`;
    if (!ctx.options.follow) {
      const { lines } = await call<
        { lines: { ts: number; stream: string; level: string; msg: string }[] }
      >(
        ctx,
        "GET",
        `/v1/plugins/${id(ctx)}/logs?limit=${limit}`,
      );
      if (ctx.options.json) ctx.io.out(JSON.stringify({ lines }, null, 2));
      else for (const l of lines) ctx.io.out(format(l));
      return 0;
    }
    using client = ApiClient.fromContext(ctx);
    const response = await client.raw(
      "GET",
      `/v1/plugins/${id(ctx)}/logs?follow=true&limit=${limit}`,
    );
    if (!response.ok || !response.body) {
      throw new CliError(`cannot follow logs (HTTP ${response.status})`);
    }
    let buffer = "";
    for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (data && /^event: log$/m.test(event)) ctx.io.out(format(JSON.parse(data)));
      }
    }
    return 0;
  },
};
