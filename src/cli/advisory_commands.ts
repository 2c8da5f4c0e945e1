/** Advisories through the daemon: what the registries' feeds say, and pushing a feed. */
import { CliError, type Command, type CommandContext } from "./command.ts";
import { ApiClient } from "./client.ts";
import { printableDeep } from "./printable_deep.ts";
import { print, table } from "./output.ts";

async function call<T = Record<string, unknown>>(
  ctx: CommandContext,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  using client = ApiClient.fromContext(ctx);
  return await client.request<T>(method, path, body);
}

export const advisoryListCommand: Command = {
  path: "advisory list",
  args: "",
  summary: "registry advisories known here, the plugins they affect, and each feed's state",
  arity: [0, 0],
  async run(ctx) {
    const r = await call<{
      registries: { name: string; followed: boolean; seq: number; error: string | null }[];
      advisories: {
        id: string;
        registry: string;
        plugin: string;
        versions: string;
        severity: string;
        action: string;
        withdrawn: boolean;
        title: string;
        affects: { plugin: string; version: string }[];
      }[];
    }>(ctx, "GET", "/v1/advisories");
    const v = printableDeep(r);
    print(ctx, r, () =>
      [
        ...v.registries.map((f) =>
          `registry ${f.name}: ${
            f.followed ? `feed at entry ${f.seq}` : "not followed (no advisory_key)"
          }` +
          (f.error ? `; last poll failed: ${f.error}` : "")
        ),
        v.advisories.length === 0 ? "no advisories" : table(
          ["ADVISORY", "REGISTRY", "PLUGIN", "VERSIONS", "SEVERITY", "ACTION", "AFFECTS", "TITLE"],
          v.advisories.map((a) => [
            a.id,
            a.registry,
            a.plugin,
            a.versions,
            a.severity,
            a.withdrawn ? "withdrawn" : a.action,
            a.affects.map((x) => `${x.plugin}@${x.version}`).join(","),
            a.title,
          ]),
        ),
      ].join("\n"));
    return 0;
  },
};

export const advisoryPushCommand: Command = {
  path: "advisory push",
  args: "<feed.json>",
  summary: "hand the daemon a registry's signed advisory feed (verified like a polled one)",
  arity: [1, 1],
  async run(ctx) {
    let doc: unknown;
    try {
      doc = JSON.parse(await Deno.readTextFile(ctx.args[0]!));
    } catch (error) {
      throw new CliError(`cannot read ${ctx.args[0]}: ${(error as Error).message}`);
    }
    const r = await call<{ registry: string; seq: number; added: number }>(
      ctx,
      "POST",
      "/v1/advisories",
      doc,
    );
    print(ctx, r, () => `accepted the feed of ${r.registry} up to entry ${r.seq} (${r.added} new)`);
    return 0;
  },
};

/** Every marketplace command. */
/** The advisory commands. */
export const ADVISORY_COMMANDS: readonly Command[] = [advisoryListCommand, advisoryPushCommand];
