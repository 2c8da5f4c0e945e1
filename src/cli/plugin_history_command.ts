/** `plugd plugin history <id>`: the execution records of a plugin's calls, newest first. */
import { CliError, type Command } from "./command.ts";
import { localTime } from "./human_format.ts";
import { printable } from "./terminal_text.ts";
import { table } from "./output.ts";
import { callApi, pluginIdArg } from "./plugin_api.ts";

/** One row of `GET /v1/executions`, as far as the table shows it. */
interface ExecutionView {
  id: number;
  kind: string;
  name: string;
  tenant: string | null;
  status: string;
  attempt: number;
  started_at: string;
  duration_ms: number | null;
  error: string | null;
  event_id: string | null;
  task_id: string | null;
}

const FILTERS = ["kind", "status", "since", "until", "tenant", "cursor"] as const;

/** `plugd plugin history`. */
export const pluginHistoryCommand: Command = {
  path: "plugin history",
  args: "<id>",
  summary: "list a plugin's recent calls (every kind) with status, duration and error",
  notes: "Newest first, 50 at a time (`--cursor` pages). `--json` prints the records with their " +
    "input and output previews (4 KiB each, secrets shown as ********).",
  arity: [1, 1],
  options: {
    kind: {
      type: "string",
      value: "KIND",
      description: "action, filter, gate, route, cron, task, command or lifecycle",
    },
    status: {
      type: "string",
      value: "STATUS",
      description: "ok, error, timeout, crashed, cancelled or interrupted",
    },
    since: { type: "string", value: "TIME", description: "ISO time or a span back (15m, 24h)" },
    until: { type: "string", value: "TIME", description: "ISO time or a span back" },
    tenant: { type: "string", value: "TENANT", description: "only calls for this tenant" },
    limit: { type: "string", value: "N", description: "records per page, 1-500 (default 50)" },
    cursor: { type: "string", value: "C", description: "the page after a previous one" },
  },
  async run(ctx) {
    const id = pluginIdArg(ctx);
    const query = new URLSearchParams({ plugin: id });
    for (const name of FILTERS) {
      if (ctx.options[name]) query.set(name, String(ctx.options[name]));
    }
    if (ctx.options.limit !== undefined) {
      const limit = Number(ctx.options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new CliError(
          `--limit must be a whole number from 1 to 500; got "${ctx.options.limit}"`,
          2,
        );
      }
      query.set("limit", String(limit));
    }
    // Unknown plugins get a clear 404 instead of an empty list.
    await callApi(ctx, "GET", `/v1/plugins/${id}`);
    const page = await callApi<{ executions: ExecutionView[]; next: string | null }>(
      ctx,
      "GET",
      `/v1/executions?${query}`,
    );
    if (ctx.options.json) {
      ctx.io.out(JSON.stringify(page, null, 2));
      return 0;
    }
    if (page.executions.length === 0) {
      ctx.io.out(`no calls of ${id} recorded${query.size > 1 ? " matching the filters" : ""}`);
      return 0;
    }
    ctx.io.out(table(
      ["TIME", "KIND", "NAME", "STATUS", "MS", "TRY", "FOR", "ERROR"],
      page.executions.map((r) => [
        localTime(Date.parse(r.started_at)),
        r.kind,
        printable(r.name),
        r.status,
        r.duration_ms === null ? "—" : Math.round(r.duration_ms * 10) / 10,
        r.attempt,
        printable(r.event_id ?? r.task_id ?? r.tenant ?? ""),
        printable((r.error ?? "").slice(0, 80)),
      ]),
    ));
    if (page.next) ctx.io.out(`(more: plugd plugin history ${id} --cursor ${page.next})`);
    return 0;
  },
};
