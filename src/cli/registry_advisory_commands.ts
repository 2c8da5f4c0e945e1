/** Registry admin commands for advisories: publish one, withdraw one (appended, never erased). */
import type { Command } from "./command.ts";
import { print } from "./output.ts";
import { REGISTRY_OPTIONS, registryClient, textOrFile } from "./registry_client.ts";

async function admin(ctx: Parameters<Command["run"]>[0], body: unknown) {
  const client = await registryClient(ctx, { needsToken: true });
  return await client.request("POST", "/api/v1/admin/advisories", body);
}

const advisoryPublish: Command = {
  path: "registry advisory publish",
  args: "<plugin-id>",
  summary: "publish a signed advisory (admin): --versions R --severity S --action warn|disable",
  arity: [1, 1],
  options: {
    ...REGISTRY_OPTIONS,
    versions: { type: "string", value: "RANGE", description: "affected versions (semver range)" },
    severity: { type: "string", value: "LEVEL", description: "low, medium, high or critical" },
    action: { type: "string", value: "ACTION", description: "warn or disable" },
    title: { type: "string", value: "TEXT", description: "a one-line title" },
    description: { type: "string", value: "TEXT|@FILE", description: "details" },
    "fixed-in": { type: "string", value: "VERSION", description: "first version with the fix" },
    url: { type: "string", value: "URL", description: "where to read more" },
  },
  async run(ctx) {
    const o = ctx.options;
    const result = await admin(ctx, {
      plugin: ctx.args[0],
      versions: o.versions,
      severity: o.severity,
      action: o.action,
      title: o.title,
      description: await textOrFile(o.description as string | undefined),
      fixed_in: o["fixed-in"],
      url: o.url,
    }) as { id: string; seq: number; action: string };
    print(ctx, result, () => `advisory ${result.id} (entry ${result.seq}): ${result.action}`);
    return 0;
  },
};

const advisoryWithdraw: Command = {
  path: "registry advisory withdraw",
  args: "<advisory-id>",
  summary: "withdraw an advisory (admin; appended to the feed, never erased)",
  arity: [1, 1],
  options: {
    ...REGISTRY_OPTIONS,
    title: { type: "string", value: "TEXT", description: "a one-line title" },
  },
  async run(ctx) {
    const result = await admin(ctx, {
      action: "withdraw",
      withdraws: ctx.args[0],
      title: ctx.options.title,
    }) as { id: string };
    print(ctx, result, () => `advisory ${ctx.args[0]} withdrawn by ${result.id}`);
    return 0;
  },
};

/** The advisory admin commands. */
export const REGISTRY_ADVISORY_COMMANDS: readonly Command[] = [advisoryPublish, advisoryWithdraw];
