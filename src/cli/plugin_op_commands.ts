/**
 * `plugd plugin op <id> <op> [args...] [--wait]` runs a system addon's operation as a job;
 * `plugd plugin executions <id> [execution] [-f]` shows its execution records.
 */
import type { ExecutionRecord } from "../addons/mod.ts";
import { CliError, type Command, type CommandContext } from "./command.ts";
import { ApiClient } from "./client.ts";
import { duration, localTime } from "./human_format.ts";
import { printable } from "./terminal_text.ts";
import { print, table } from "./output.ts";
import { callApi, pluginIdArg } from "./plugin_api.ts";

/** An execution record as the API answers it (the addons' own type: one shape, one place). */
type Execution = ExecutionRecord;

/** The last line of an execution: what happened and the addon's status after it. */
function summary(r: Execution): string {
  const took = r.duration_ms === null ? "" : ` in ${duration(r.duration_ms)}`;
  const status = r.status_after ? `; addon status: ${r.status_after}` : "";
  const why = r.error ? ` (${printable(r.error)})` : "";
  return `${r.name} ${r.status}${took}${why}${status}`;
}

/**
 * Streams one execution: its output as it comes (stdout lines to stdout, the rest to stderr),
 * progress as `[ 40%] message`; resolves with the final record (event `done`).
 */
async function follow(ctx: CommandContext, id: string, execution: string): Promise<Execution> {
  using client = ApiClient.fromContext(ctx);
  const response = await client.raw(
    "GET",
    `/v1/plugins/${encodeURIComponent(id)}/executions/${encodeURIComponent(execution)}?follow=true`,
  );
  if (!response.ok || !response.body) {
    const detail = await response.text().catch(() => "");
    throw new CliError(`cannot follow execution ${execution} (HTTP ${response.status}) ${detail}`);
  }
  let buffer = "";
  let final: Execution | undefined;
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!type || !data) continue;
      const e = JSON.parse(data);
      if (type === "done") final = e;
      else if (type === "end" && !final) {
        throw new CliError(`the stream of execution ${execution} ended: ${e.reason}`);
      } else if (ctx.options.json) continue;
      else if (type === "output") {
        (e.stream === "stdout" ? ctx.io.out : ctx.io.err)(printable(e.line));
      } else if (type === "progress") {
        ctx.io.err(`[${String(Math.round(e.percent)).padStart(3)}%] ${printable(e.message)}`);
      }
    }
  }
  if (!final) throw new CliError(`the stream of execution ${execution} ended early`);
  return final;
}

/** `plugd plugin op`. */
export const pluginOpCommand: Command = {
  path: "plugin op",
  args: "<id> <operation> [args...]",
  summary: "run a system addon's operation (install, uninstall, status, configure, health, " +
    "metrics, backup, restore, upgrade, validate) as a job",
  arity: [2, 18],
  options: {
    wait: {
      type: "boolean",
      short: "w",
      description: "stream its output and progress until it ends; exit 1 unless it succeeded",
    },
  },
  notes: "Only one operation of an addon runs at a time (a second one is refused). Arguments " +
    "after the operation go to its function (`plugd plugin op pg uninstall false`); they are " +
    "recorded, so secrets belong in `plugd plugin config --secret`.",
  async run(ctx) {
    const [id, op, ...args] = ctx.args as [string, string, ...string[]];
    const started = await callApi<{ id: string; execution: Execution }>(
      ctx,
      "POST",
      `/v1/plugins/${pluginIdArg(ctx)}/operations/${encodeURIComponent(op)}`,
      args.length ? { args } : {},
    );
    const execution = started.execution.id;
    if (!ctx.options.wait) {
      print(ctx, started, () =>
        [
          `started ${op} on ${id}: execution ${execution} (job ${started.id})`,
          `follow it: plugd plugin executions ${id} ${execution} --follow`,
        ].join("\n"));
      return 0;
    }
    if (!ctx.options.json) ctx.io.err(`${op} of ${id} started (execution ${execution})`);
    const final = await follow(ctx, id, execution);
    print(ctx, final, () => summary(final));
    return final.status === "succeeded" ? 0 : 1;
  },
};

/** `plugd plugin executions`. */
export const pluginExecutionsCommand: Command = {
  path: "plugin executions",
  args: "<id> [execution]",
  summary: "list a system addon's execution records, or show one with its output",
  arity: [1, 2],
  options: {
    follow: {
      type: "boolean",
      short: "f",
      description: "with an execution: stream it until it ends",
    },
    kind: {
      type: "string",
      value: "KIND",
      description: "operation (asked for) or check (plugd's periodic status/health/metrics)",
    },
    limit: { type: "string", value: "N", description: "how many records (default 50)" },
  },
  async run(ctx) {
    const id = ctx.args[0]!;
    const execution = ctx.args[1];
    if (execution && ctx.options.follow) {
      const final = await follow(ctx, id, execution);
      print(ctx, final, () => summary(final));
      return final.status === "succeeded" ? 0 : 1;
    }
    if (execution) {
      const r = await callApi<Execution>(
        ctx,
        "GET",
        `/v1/plugins/${pluginIdArg(ctx)}/executions/${encodeURIComponent(execution)}`,
      );
      print(ctx, r, () => renderExecution(r));
      return 0;
    }
    const query = new URLSearchParams();
    if (typeof ctx.options.kind === "string") query.set("kind", ctx.options.kind);
    if (typeof ctx.options.limit === "string") query.set("limit", ctx.options.limit);
    const { executions } = await callApi<{ executions: Execution[] }>(
      ctx,
      "GET",
      `/v1/plugins/${pluginIdArg(ctx)}/executions${query.size ? `?${query}` : ""}`,
    );
    print(ctx, { executions }, () =>
      executions.length === 0 ? `no executions of ${id} yet` : table(
        ["ID", "STARTED", "OPERATION", "KIND", "STATUS", "EXIT", "TOOK", "BY", "ADDON STATUS"],
        executions.map((r) => [
          r.id.slice(0, 8),
          localTime(r.started_at),
          r.name,
          r.kind,
          r.status,
          r.exit_code,
          duration(r.duration_ms),
          printable(r.actor),
          r.status_after,
        ]),
      ));
    return 0;
  },
};

/** One record for people: what ran, how it ended, its output. */
function renderExecution(r: Execution): string {
  const block = (title: string, text: string) =>
    text ? [`${title}:`, ...text.trimEnd().split("\n").map((l) => `  ${printable(l)}`)] : [];
  return [
    `${r.name} (${r.kind}) ${r.id}`,
    `status:   ${r.status}${r.error ? ` (${printable(r.error)})` : ""}`,
    `started:  ${localTime(r.started_at)} by ${printable(r.actor)}, took ${
      duration(r.duration_ms)
    }`,
    `exit:     ${r.exit_code ?? "-"}`,
    `args:     ${r.args.length ? printable(JSON.stringify(r.args)) : "-"}`,
    `addon:    ${r.status_before ?? "-"} -> ${r.status_after ?? "-"}`,
    ...(r.result === null ? [] : [`result:   ${printable(JSON.stringify(r.result))}`]),
    ...block("stdout", r.stdout),
    ...block("stderr", r.stderr),
    ...(r.truncated ? ["(older output was dropped: only the newest part is kept)"] : []),
  ].join("\n");
}
