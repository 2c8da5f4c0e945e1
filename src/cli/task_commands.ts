/** `plugd task run|show|list|cancel`: hand work to plugins and follow it. */
import { type Command, type CommandContext, UsageError } from "./command.ts";
import { readData } from "./hook_commands.ts";
import { localTime } from "./human_format.ts";
import { printable } from "./terminal_text.ts";
import { print, table } from "./output.ts";
import { callApi } from "./plugin_api.ts";

interface TaskView {
  id: string;
  type: string;
  plugin: string | null;
  status: string;
  error: string | null;
  result: unknown;
  progress: { fraction: number; message: string | null } | null;
  attempts: { attempt: number; status: string; duration_ms: number | null; error?: string }[];
  created_at: string;
  scope?: "fleet";
  host?: string | null;
}

const FINAL = new Set(["succeeded", "failed", "cancelled", "dead"]);

/** `[#########-----------]  45% resizing` (plugin text made printable). */
export function progressBar(fraction: number, message: string | null, width = 30): string {
  const done = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  const pct = `${Math.round(fraction * 100)}%`.padStart(4);
  return `[${"#".repeat(done)}${"-".repeat(width - done)}] ${pct}${
    message ? ` ${printable(message)}` : ""
  }`;
}

function summary(t: TaskView): string {
  const lines = [
    `task ${t.id} (${printable(t.type)}${t.plugin ? ` by ${t.plugin}` : ""}): ${t.status}`,
  ];
  for (const a of t.attempts) {
    const ms = a.duration_ms === null ? "" : ` ${Math.round(a.duration_ms)} ms`;
    lines.push(
      `  attempt ${a.attempt}: ${a.status}${ms}${a.error ? ` — ${printable(a.error)}` : ""}`,
    );
  }
  if (t.status === "succeeded") lines.push(JSON.stringify(t.result, null, 2));
  else if (t.error) lines.push(`error: ${printable(t.error)}`);
  return lines.join("\n");
}

async function follow(ctx: CommandContext, id: string): Promise<TaskView> {
  const tty = Deno.stderr.isTerminal();
  let shown = "";
  while (true) {
    const t = await callApi<TaskView>(ctx, "GET", `/v1/tasks/${encodeURIComponent(id)}?wait=0.25`);
    const bar = t.progress ? progressBar(t.progress.fraction, t.progress.message) : `(${t.status})`;
    if (!ctx.options.json && bar !== shown) {
      if (tty) Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[2K${bar}`));
      else ctx.io.err(bar);
      shown = bar;
    }
    if (FINAL.has(t.status)) {
      if (tty && !ctx.options.json) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
      return t;
    }
  }
}

/** `plugd task run`. */
export const taskRunCommand: Command = {
  path: "task run",
  args: "<type>",
  summary:
    "hand a task to the plugin that processes its type (--wait follows it with a progress bar)",
  notes: "Without `--wait` it prints the task id once the task is stored. With `--wait` it shows " +
    "the plugin's progress and prints the result; the exit code is 0 when the task succeeded, 1 " +
    "when it failed, died, or was cancelled.",
  arity: [1, 1],
  options: {
    input: {
      type: "string",
      short: "i",
      value: "JSON|@FILE|@-",
      description: "the task's input: inline JSON, @file, or @- for stdin",
    },
    wait: { type: "boolean", description: "follow the task to its end and print its result" },
    priority: { type: "string", value: "N", description: "-100 to 100, higher first (default 0)" },
    key: {
      type: "string",
      value: "KEY",
      description: "idempotency key: a second run with it answers the first task",
    },
    tenant: { type: "string", value: "TENANT", description: "the tenant the task is for" },
  },
  async run(ctx) {
    const type = ctx.args[0]!;
    const body: Record<string, unknown> = { input: await readData(ctx, "input") };
    if (ctx.options.priority !== undefined) {
      const n = Number(ctx.options.priority);
      if (!Number.isInteger(n)) {
        throw new UsageError(`--priority must be a whole number; got "${ctx.options.priority}"`);
      }
      body.priority = n;
    }
    if (ctx.options.key) body.idempotency_key = ctx.options.key;
    if (ctx.options.tenant) body.tenant = ctx.options.tenant;
    const { id, duplicate } = await callApi<{ id: string; duplicate: boolean }>(
      ctx,
      "POST",
      `/v1/tasks/${encodeURIComponent(type)}`,
      body,
    );
    if (!ctx.options.wait) {
      print(ctx, { id, duplicate }, () => (duplicate ? `${id} (existing task for this key)` : id));
      return 0;
    }
    const t = await follow(ctx, id);
    print(ctx, t, () => summary(t));
    return t.status === "succeeded" ? 0 : 1;
  },
};

/** `plugd task show`. */
export const taskShowCommand: Command = {
  path: "task show",
  args: "<id>",
  summary: "show a task: status, attempts, progress, result or error",
  arity: [1, 1],
  async run(ctx) {
    const t = await callApi<TaskView>(ctx, "GET", `/v1/tasks/${encodeURIComponent(ctx.args[0]!)}`);
    print(
      ctx,
      t,
      () =>
        summary(t) +
        (t.status === "running" && t.progress
          ? `\n${progressBar(t.progress.fraction, t.progress.message)}`
          : ""),
    );
    return 0;
  },
};

/** `plugd task list`. */
export const taskListCommand: Command = {
  path: "task list",
  args: "",
  summary: "list tasks newest first (--type, --status, --since, --scope)",
  notes: "In a fleet the list holds this host's tasks and the fleet's tasks (WHERE shows " +
    "`fleet` and the host that runs or ran it); `--scope local` or `--scope fleet` keeps one.",
  arity: [0, 0],
  options: {
    scope: {
      type: "string",
      value: "SCOPE",
      description: "local (this host's tasks) or fleet (the fleet's tasks); default both",
    },
    type: { type: "string", value: "TYPE", description: "only tasks of this type" },
    status: {
      type: "string",
      value: "STATUS",
      description: "queued, running, succeeded, failed, cancelled or dead",
    },
    since: { type: "string", value: "TIME", description: "ISO time or a span back (15m, 24h)" },
    limit: { type: "string", value: "N", description: "tasks per page, 1-500 (default 50)" },
    cursor: { type: "string", value: "C", description: "the page after a previous one" },
  },
  async run(ctx) {
    const query = new URLSearchParams();
    for (const name of ["scope", "type", "status", "since", "limit", "cursor"]) {
      if (ctx.options[name]) query.set(name, String(ctx.options[name]));
    }
    const page = await callApi<{ tasks: TaskView[]; next: string | null; warning?: string }>(
      ctx,
      "GET",
      `/v1/tasks${query.size ? `?${query}` : ""}`,
    );
    if (page.warning && !ctx.options.json) ctx.io.err(`warning: ${page.warning}`);
    print(ctx, page, () =>
      page.tasks.length === 0 ? "no tasks match" : table(
        ["CREATED", "ID", "TYPE", "WHERE", "STATUS", "TRIES", "ERROR"],
        page.tasks.map((t) => [
          localTime(Date.parse(t.created_at)),
          t.id,
          printable(t.type),
          t.scope === "fleet" ? `fleet${t.host ? ` (${printable(t.host)})` : ""}` : "local",
          t.status,
          t.attempts.length,
          printable((t.error ?? "").slice(0, 80)),
        ]),
      ) + (page.next ? `\n(more: plugd task list --cursor ${page.next})` : ""));
    return 0;
  },
};

/** `plugd task cancel`. */
export const taskCancelCommand: Command = {
  path: "task cancel",
  args: "<id>",
  summary: "cancel a queued task, or a running one in its plugin",
  arity: [1, 1],
  async run(ctx) {
    const t = await callApi<TaskView>(
      ctx,
      "POST",
      `/v1/tasks/${encodeURIComponent(ctx.args[0]!)}/cancel`,
    );
    print(ctx, t, () => `task ${t.id}: ${t.status}`);
    return t.status === "cancelled" ? 0 : 1;
  },
};

/** The task commands, in help order. */
export const TASK_COMMANDS: readonly Command[] = [
  taskRunCommand,
  taskShowCommand,
  taskListCommand,
  taskCancelCommand,
];
