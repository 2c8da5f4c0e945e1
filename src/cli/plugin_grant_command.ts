/**
 * `plugd plugin grant <id>`: shows what a plugin (or the update waiting for a grant) requests,
 * asks unless `--yes`, and asks root (a system addon's `privileged`) on its own.
 */
import { CliError, type Command } from "./command.ts";
import { print } from "./output.ts";
import { confirm } from "./prompt.ts";
import { callApi as call, pluginIdArg as id, type PluginView, risksTable } from "./plugin_api.ts";

/** `plugd plugin grant <id> [--yes] [--privileged]`. */
export const pluginGrantCommand: Command = {
  path: "plugin grant",
  args: "<id>",
  summary: "approve exactly the permissions a plugin requests (asks unless --yes)",
  arity: [1, 1],
  options: {
    yes: { type: "boolean", short: "y", description: "grant without asking" },
    privileged: {
      type: "boolean",
      description: "also confirm a system addon's privileged (root on this host); never " +
        "implied by --yes",
    },
  },
  async run(ctx) {
    const view = await call<PluginView>(ctx, "GET", `/v1/plugins/${id(ctx)}`);
    // An update waiting for wider permissions: granting them switches to it.
    const pending = view.pending_update ?? null;
    const request = pending ? pending.requested : view.permissions.requested;
    const root = (request.privileged ?? []).length > 0;
    if (!ctx.options.yes) {
      ctx.io.err(
        pending
          ? `${view.id} ${pending.from} runs; ${pending.to} waits for more permissions ` +
            `(${pending.permissions_diff}) and requests:\n${risksTable(pending.risks)}`
          : `${view.id} ${view.version} requests:\n${risksTable(view.permissions.risks)}`,
      );
      const question = pending
        ? `Grant them and switch to ${pending.to}?`
        : "Grant these permissions?";
      if (!await confirm(question, "pass --yes to grant them")) {
        throw new CliError(
          `not granted; nothing changed (grant later with plugd plugin grant ${view.id})`,
        );
      }
    }
    if (root && ctx.options.privileged !== true) {
      const question = `${view.id} runs as ROOT on this host's filesystem. Grant that too?`;
      if (ctx.options.yes || !await confirm(question, "pass --privileged to grant root")) {
        throw new CliError(
          `not granted: ${view.id} is privileged (root on this host); that is confirmed on its ` +
            `own: plugd plugin grant ${view.id} --privileged`,
        );
      }
    }
    const result = await call(ctx, "POST", `/v1/plugins/${id(ctx)}/grant`, {
      permissions: request,
      ...(root ? { confirm_privileged: true } : {}),
    });
    print(
      ctx,
      result,
      () =>
        pending
          ? `granted ${view.id}; switched from ${pending.from} to ${pending.to}`
          : `granted ${view.id}; next: plugd plugin enable ${view.id}`,
    );
    return 0;
  },
};
