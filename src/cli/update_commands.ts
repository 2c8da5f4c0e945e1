/** Updates through the daemon: outdated plugins, update --all, auto-update policies, info lines. */
import { CliError, type Command, type CommandContext } from "./command.ts";
import { ApiClient } from "./client.ts";
import { print, table } from "./output.ts";
import { confirm } from "./prompt.ts";
import { printableDeep } from "./printable_deep.ts";

async function call<T = Record<string, unknown>>(
  ctx: CommandContext,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  using client = ApiClient.fromContext(ctx);
  return await client.request<T>(method, path, body);
}

const enc = encodeURIComponent;
interface Target {
  version: string;
  permissions_diff: string;
  widening: boolean | null;
  deprecated: string | null;
}
interface Update {
  id: string;
  installed: string;
  state: string;
  registry: string;
  policy: string;
  latest: Target | null;
  wanted: Target | null;
}
interface Outcome {
  id: string;
  from: string;
  to: string;
  result: string;
  permissions_diff: string;
  detail?: string;
}

function reportErrors(ctx: CommandContext, errors: { registry: string; message: string }[]): void {
  for (const e of printableDeep(errors ?? [])) {
    ctx.io.err(`plugd: registry ${e.registry}: ${e.message}`);
  }
}

export const pluginOutdatedCommand: Command = {
  path: "plugin outdated",
  args: "",
  summary: "list installed plugins with newer versions and the permission change each brings",
  arity: [0, 0],
  async run(ctx) {
    const { updates, errors } = await call<
      { updates: Update[]; errors: { registry: string; message: string }[] }
    >(ctx, "GET", "/v1/updates");
    reportErrors(ctx, errors);
    const shown = printableDeep(updates);
    print(
      ctx,
      { updates, errors },
      () =>
        shown.length === 0 ? "all plugins from registries are up to date" : table(
          ["ID", "INSTALLED", "LATEST", "POLICY", "WANTED", "PERMISSIONS"],
          shown.map((u) => [
            u.id,
            u.installed,
            u.latest?.version,
            u.policy,
            u.wanted?.version ?? "",
            (u.latest?.permissions_diff || "unchanged") +
            (u.latest?.widening ? " (needs a grant)" : ""),
          ]),
        ),
    );
    return 0;
  },
};

/** `plugd plugin update --all`: every outdated plugin to its latest version. */
export async function updateAll(ctx: CommandContext): Promise<number> {
  const { updates } = await call<{ updates: Update[] }>(ctx, "GET", "/v1/updates");
  if (updates.length === 0) {
    print(ctx, { results: [] }, () => "all plugins from registries are up to date");
    return 0;
  }
  if (!ctx.options.yes && !ctx.options.json) {
    for (const u of printableDeep(updates)) {
      ctx.io.err(
        `${u.id} ${u.installed} -> ${u.latest!.version}: ${
          u.latest!.permissions_diff || "same permissions"
        }`,
      );
    }
    if (!await confirm(`Update ${updates.length} plugin(s)?`, "pass --yes")) {
      throw new CliError("nothing updated (answer y, or pass --yes)");
    }
  }
  const { results } = await call<{ results: Outcome[] }>(ctx, "POST", "/v1/updates", {
    plugins: updates.map((u) => u.id),
  });
  print(
    ctx,
    { results },
    () =>
      printableDeep(results).map((r) =>
        `${r.id} ${r.from} -> ${r.to}: ${r.result}` +
        (r.result === "awaiting_grant"
          ? ` (${r.permissions_diff}); run plugd plugin grant ${r.id}`
          : r.detail
          ? ` (${r.detail})`
          : "")
      ).join("\n"),
  );
  return results.some((r) => r.result === "failed" || r.result === "rolled_back") ? 1 : 0;
}

/** The line `plugd plugin update` prints. */
export function updateSummary(view: Record<string, unknown>): string {
  const v = printableDeep(view);
  const pending = v.pending_update as { to?: string } | null | undefined;
  if (v.awaiting_grant && pending) {
    return `${v.id}: ${v.version} keeps running; ${pending.to} asks for more permissions ` +
      `(${v.permissions_diff}): run plugd plugin grant ${v.id} to switch, or ` +
      `plugd plugin update ${v.id} --cancel`;
  }
  const line = `${v.id}: ${v.previous_version ?? "?"} -> ${v.version} (${v.state})`;
  return v.awaiting_grant
    ? `${line}; it asks for more permissions (${v.permissions_diff}): run plugd plugin grant ${v.id}`
    : line;
}

/** Lines `plugd plugin info` adds: registry, auto-update policy, advisories in force. */
export function marketplaceInfoLines(raw: Record<string, unknown>): string[] {
  const view = printableDeep(raw);
  const advisories = (view.advisories ?? []) as {
    id: string;
    severity: string;
    action: string;
    title: string;
    fixed_in: string | null;
  }[];
  return [
    `registry: ${view.registry ?? "none (installed from a file)"}; auto-update: ${
      view.auto_update ?? "off"
    }`,
    ...advisories.map((a) =>
      `ADVISORY ${a.id} (${a.severity}, ${a.action}): ${a.title}` +
      (a.fixed_in ? `; fixed in ${a.fixed_in}` : "")
    ),
  ];
}

export const pluginAutoUpdateCommand: Command = {
  path: "plugin auto-update",
  args: "<id> <off|patch|minor>",
  summary: "let the daemon apply patch (x.y.*) or minor (x.*) updates on its own",
  arity: [2, 2],
  async run(ctx) {
    const policy = ctx.args[1]!;
    const result = await call(ctx, "PUT", `/v1/plugins/${enc(ctx.args[0]!)}/auto-update`, {
      policy,
    });
    print(ctx, result, () => `${ctx.args[0]}: auto-update ${policy}`);
    return 0;
  },
};

/** The update commands (`plugin update --all` is part of `plugin update`). */
export const UPDATE_COMMANDS: readonly Command[] = [pluginOutdatedCommand, pluginAutoUpdateCommand];
