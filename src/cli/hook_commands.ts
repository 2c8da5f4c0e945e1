/** `plugd emit`, `plugd filter`, `plugd gate`: the hook bus from shell scripts (SPEC §9). */
import { ApiClient } from "./client.ts";
import { callerPath, type Command, type CommandContext, UsageError } from "./command.ts";
import { emitBatchFile } from "./emit_batch.ts";
import { print, table } from "./output.ts";

/** Reads `--data` (or `option`): inline JSON, `@file`, or `@-` for stdin. @default null */
export async function readData(ctx: CommandContext, option = "data"): Promise<unknown> {
  const raw = ctx.options[option] as string | undefined;
  if (raw === undefined) return null;
  let text = raw;
  if (raw === "@-") text = await new Response(Deno.stdin.readable).text();
  else if (raw.startsWith("@")) {
    try {
      text = await Deno.readTextFile(callerPath(ctx, raw.slice(1)));
    } catch (error) {
      throw new UsageError(`--${option} ${raw}: cannot read the file: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${option} is not valid JSON: ${(error as Error).message}`);
  }
}

async function post<T>(ctx: CommandContext, path: string, body: unknown): Promise<T> {
  using client = ApiClient.fromContext(ctx);
  return await client.request<T>("POST", path, body);
}

const dataOption = {
  data: {
    type: "string" as const,
    short: "d",
    value: "JSON|@FILE|@-",
    description: "the data: inline JSON, @file, or @- for stdin",
  },
};

interface EmitAnswer {
  id: string;
  duplicate: boolean;
  results?: { plugin: string; hook: string; status: string; duration_ms: number; error?: string }[];
}

const tenantOption = {
  tenant: {
    type: "string" as const,
    value: "TENANT",
    description: "for this tenant: only the plugins that run for it take part",
  },
};

function tenantField(ctx: CommandContext): { tenant?: string } {
  return ctx.options.tenant ? { tenant: ctx.options.tenant as string } : {};
}

export const emitCommand: Command = {
  path: "emit",
  args: "<type>",
  summary: "emit a CloudEvent (--data JSON|@file, --wait for per-plugin results; " +
    "--batch FILE for many)",
  arity: [0, 1],
  options: {
    ...dataOption,
    batch: {
      type: "string",
      value: "FILE|-",
      description: "send a file of events (a JSON array, or one event per line) in batches of " +
        "up to 1,000, each stored in one commit (no <type>)",
    },
    wait: { type: "boolean", description: "wait for every plugin and print its result" },
    id: {
      type: "string",
      description: "event id (default: a new ULID); a repeated id is accepted once",
    },
    source: { type: "string", value: "URI", description: 'CloudEvents source (default "/cli")' },
    ...tenantOption,
  },
  async run(ctx) {
    const batch = ctx.options.batch as string | undefined;
    if (batch !== undefined) {
      if (ctx.args.length > 0) throw new UsageError("give either <type> or --batch FILE, not both");
      return await emitBatchFile(ctx, batch);
    }
    if (ctx.args.length === 0) throw new UsageError("missing <type> (or --batch FILE)");
    const event = {
      specversion: "1.0",
      type: ctx.args[0],
      source: (ctx.options.source as string | undefined) ?? "/cli",
      ...(ctx.options.id ? { id: ctx.options.id } : {}),
      ...(ctx.options.tenant ? { tenant: ctx.options.tenant } : {}),
      data: await readData(ctx),
    };
    const wait = ctx.options.wait === true;
    const r = await post<EmitAnswer>(ctx, `/v1/events${wait ? "?wait=true" : ""}`, event);
    print(ctx, r, () => {
      const head = `${r.duplicate ? "already accepted" : "accepted"} ${r.id}`;
      if (!r.results) return head;
      if (r.results.length === 0) return `${head}\nno plugin subscribes to ${ctx.args[0]}`;
      return `${head}\n${
        table(
          ["PLUGIN", "HOOK", "STATUS", "MS", "ERROR"],
          r.results.map((x) => [x.plugin, x.hook, x.status, x.duration_ms, x.error]),
        )
      }`;
    });
    return r.results?.some((x) => x.status !== "ok") ? 1 : 0;
  },
};

export const filterCommand: Command = {
  path: "filter",
  args: "<name>",
  summary: "run a filter chain on --data and print the result",
  arity: [1, 1],
  options: { ...dataOption, ...tenantOption },
  async run(ctx) {
    const r = await post<{ data: unknown; skipped: { plugin: string; reason: string }[] }>(
      ctx,
      `/v1/filters/${encodeURIComponent(ctx.args[0]!)}`,
      { data: await readData(ctx), ...tenantField(ctx) },
    );
    print(ctx, r, () => JSON.stringify(r.data, null, 2));
    for (const s of r.skipped) ctx.io.err(`skipped ${s.plugin}: ${s.reason}`);
    return 0;
  },
};

export const gateCommand: Command = {
  path: "gate",
  args: "<name>",
  summary: "ask a gate about --data; exit 1 with the reasons when denied",
  arity: [1, 1],
  options: { ...dataOption, ...tenantOption },
  async run(ctx) {
    const body = { data: await readData(ctx), ...tenantField(ctx) };
    const r = await post<
      { allowed: boolean; votes: { plugin: string; allow: boolean; reason: string | null }[] }
    >(ctx, `/v1/gates/${encodeURIComponent(ctx.args[0]!)}`, body);
    print(ctx, r, () => {
      const votes = r.votes.map((v) =>
        `  ${v.allow ? "allow" : "deny "} ${v.plugin}${v.reason ? `: ${v.reason}` : ""}`
      );
      return [`${ctx.args[0]}: ${r.allowed ? "allowed" : "DENIED"}`, ...votes].join("\n");
    });
    if (!r.allowed && ctx.options.json) {
      ctx.io.err(`denied: ${r.votes.filter((v) => !v.allow).map((v) => v.reason).join("; ")}`);
    }
    return r.allowed ? 0 : 1;
  },
};
