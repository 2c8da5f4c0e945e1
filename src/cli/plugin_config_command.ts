/**
 * `plugd plugin config <id> [key=value ...]`: show or set a plugin's settings. Secrets stay out of
 * argv and shell history: `--secret KEY` asks on the terminal without echo, `--secret-stdin KEY`
 * reads the value from stdin, `KEY=@FILE` (with or without --secret) reads it from a file.
 */
import { callerPath, CliError, type Command, type CommandContext, EXIT } from "./command.ts";
import { printable } from "./terminal_text.ts";
import { print } from "./output.ts";
import { callApi, pluginIdArg } from "./plugin_api.ts";
import { askSecret, readStdin } from "./prompt.ts";

/** A typed value: JSON numbers, booleans, arrays, objects and null as such, else the text. */
export function parseValue(raw: string): unknown {
  try {
    const value = JSON.parse(raw);
    return typeof value === "object" && value !== null || typeof value !== "string" ? value : raw;
  } catch {
    return raw;
  }
}

/** `@FILE` → the file's text without one trailing newline; `@@x` → the literal `@x`. */
async function fileOrText(ctx: CommandContext, raw: string, key: string): Promise<string> {
  if (raw.startsWith("@@")) return raw.slice(1);
  if (!raw.startsWith("@")) return raw;
  const path = callerPath(ctx, raw.slice(1));
  try {
    return (await Deno.readTextFile(path)).replace(/\r?\n$/, "");
  } catch (error) {
    throw new CliError(`${key}=@${raw.slice(1)}: cannot read ${path}: ${(error as Error).message}`);
  }
}

function splitPair(pair: string): [string, string | undefined] {
  const eq = pair.indexOf("=");
  return eq === -1 ? [pair, undefined] : [pair.slice(0, eq), pair.slice(eq + 1)];
}

/** Collects every value given on the command line, asking for secrets where needed. */
async function collect(ctx: CommandContext): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const pair of ctx.args.slice(1)) {
    const [key, raw] = splitPair(pair);
    if (!key || raw === undefined) {
      throw new CliError(
        `expected key=value, got "${pair}" (a secret: --secret ${pair})`,
        EXIT.usage,
      );
    }
    values[key] = raw.startsWith("@") ? await fileOrText(ctx, raw, key) : parseValue(raw);
  }
  for (const pair of (ctx.options.secret as string[] | undefined) ?? []) {
    const [key, raw] = splitPair(pair);
    if (!key) throw new CliError(`--secret needs a key, got "${pair}"`, EXIT.usage);
    if (raw === undefined) {
      values[key] = await askSecret(
        `${key} (not shown)`,
        `use --secret-stdin ${key} or --secret ${key}=@FILE`,
      );
    } else {
      if (!raw.startsWith("@")) {
        ctx.io.err(
          `plugd: warning: --secret ${key}=… puts the value in the process list and shell ` +
            `history; use --secret ${key} (asks), --secret-stdin ${key} or --secret ${key}=@FILE`,
        );
      }
      values[key] = await fileOrText(ctx, raw, key);
    }
  }
  const fromStdin = ctx.options["secret-stdin"] as string | undefined;
  if (fromStdin !== undefined) {
    if (!fromStdin || fromStdin.includes("=")) {
      throw new CliError(`--secret-stdin takes a key only, got "${fromStdin}"`, EXIT.usage);
    }
    values[fromStdin] = await readStdin();
  }
  return values;
}

/**
 * The whole config to PUT: the current values (secrets as `"********"`, which keeps them) with
 * each change applied; a dotted key (`github.token`) sets a nested setting.
 */
export function withChanges(
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const out = structuredClone(current);
  for (const [key, value] of Object.entries(changes)) {
    const path = key.split(".");
    let node = out;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      node = node[segment] = typeof next === "object" && next !== null && !Array.isArray(next)
        ? next as Record<string, unknown>
        : {};
    }
    node[path.at(-1)!] = value;
  }
  return out;
}

/** `plugd plugin config`. */
export const pluginConfigCommand: Command = {
  path: "plugin config",
  args: "<id> [key=value|key.sub=value|key=@FILE ...]",
  summary: "show or set a plugin's settings; secrets via --secret KEY (asks) or --secret-stdin",
  arity: [1, Infinity],
  options: {
    secret: {
      type: "string",
      multiple: true,
      value: "KEY[=@FILE]",
      description: "set a secret: asked for on the terminal without echo, or read from FILE",
    },
    "secret-stdin": {
      type: "string",
      value: "KEY",
      description: "set the secret KEY to what stdin holds (e.g. from a password manager)",
    },
    tenant: {
      type: "string",
      value: "TENANT",
      description:
        "show or set that tenant's overrides (key=null falls back to the plugin's value)",
    },
  },
  async run(ctx) {
    const tenant = ctx.options.tenant as string | undefined;
    if (tenant !== undefined) return await tenantConfig(ctx, tenant);
    const path = `/v1/plugins/${pluginIdArg(ctx)}/config`;
    const changes = await collect(ctx);
    if (Object.keys(changes).length === 0) {
      const result = await callApi<{ config: Record<string, unknown> }>(ctx, "GET", path);
      print(
        ctx,
        result,
        () =>
          Object.entries(result.config)
            .map(([k, v]) => `${printable(k)}=${printable(JSON.stringify(v) ?? "")}`).join("\n"),
      );
      return 0;
    }
    // The API replaces the whole config; "********" (a secret as shown) keeps the stored value.
    const current = await callApi<{ config: Record<string, unknown> }>(ctx, "GET", path);
    const result = await callApi<{ config: Record<string, unknown> }>(ctx, "PUT", path, {
      config: withChanges(current.config, changes),
    });
    print(ctx, result, () => `configured ${ctx.args[0]}: ${Object.keys(changes).join(", ")}`);
    return 0;
  },
};

/** `plugd plugin config <id> --tenant T [key=value ...]`: a tenant's overrides. */
async function tenantConfig(ctx: CommandContext, tenant: string): Promise<number> {
  const path = `/v1/plugins/${pluginIdArg(ctx)}/config?tenant=${encodeURIComponent(tenant)}`;
  type View = { overrides: Record<string, unknown>; config: Record<string, unknown> };
  const changes = await collect(ctx);
  const lines = (values: Record<string, unknown>, mark: Record<string, unknown>) =>
    Object.entries(values).map(([k, v]) =>
      `${printable(k)}=${printable(JSON.stringify(v) ?? "")}${
        Object.hasOwn(mark, k) ? `  (tenant ${printable(tenant)})` : ""
      }`
    ).join("\n");
  if (Object.keys(changes).length === 0) {
    const view = await callApi<View>(ctx, "GET", path);
    print(ctx, view, () => lines(view.config, view.overrides));
    return 0;
  }
  const current = await callApi<View>(ctx, "GET", path);
  const next = withChanges(current.overrides, changes);
  for (const [k, v] of Object.entries(changes)) if (v === null) delete next[k];
  const view = await callApi<View>(ctx, "PUT", path, { config: next });
  print(
    ctx,
    view,
    () => `configured ${ctx.args[0]} for tenant ${tenant}: ${Object.keys(changes).join(", ")}`,
  );
  return 0;
}
