/** `plugd log-hub <command>`: search, tail, stats, analyze, trim, forward, sources. */
import type { CommandContext, CommandHandler } from "@plugd/sdk";
import { checkAnomaly, stats } from "./analytics.ts";
import { intOption, parseArgs } from "./cli_args.ts";
import { formatHit, formatStats } from "./format.ts";
import { forwardNow } from "./forward.ts";
import { hubOf, settings } from "./hub.ts";
import { trim } from "./retention.ts";
import { searchLogs } from "./search.ts";
import { sinceToMs } from "./time.ts";

type Handler = CommandHandler<Record<string, unknown>>;

/** Runs `fn`, turning a bad argument or query into one line and exit code 2. */
function guarded(
  fn: (args: string[], ctx: CommandContext) => Promise<number | void> | number | void,
): Handler {
  return async (args, ctx) => {
    try {
      return await fn(args, ctx);
    } catch (e) {
      if (e instanceof SyntaxError || e instanceof RangeError) {
        ctx.out.write(`log-hub: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  };
}

const search: Handler = guarded(async (argv, ctx) => {
  const a = parseArgs(argv, ["since", "until", "limit", "format"], []);
  const now = Date.now();
  const r = await searchLogs(ctx.db, {
    query: a.words.join(" "),
    since: a.options.has("since") ? sinceToMs(a.options.get("since")!, now) : undefined,
    until: a.options.has("until") ? sinceToMs(a.options.get("until")!, now) : undefined,
    limit: intOption(a, "limit", 100),
  });
  const ndjson = a.options.get("format") === "ndjson";
  for (const h of [...r.hits].reverse()) {
    ctx.out.write(ndjson ? JSON.stringify(h) + "\n" : formatHit(h));
  }
  if (!ndjson) {
    const more = r.partial
      ? ` (stopped after looking at ${r.scanned} lines; narrow with --since)`
      : "";
    ctx.out.write(`${r.hits.length} line${r.hits.length === 1 ? "" : "s"}${more}\n`);
  }
  return r.hits.length > 0 ? 0 : 1;
});

const tail: Handler = guarded(async (argv, ctx) => {
  const a = parseArgs(argv, ["lines"], ["follow", "f"]);
  const query = a.words.join(" ");
  const first = await searchLogs(ctx.db, { query, limit: intOption(a, "lines", 20) });
  for (const h of first.hits.reverse()) ctx.out.write(formatHit(h));
  if (!a.flags.has("follow") && !a.flags.has("f")) return 0;
  const hub = hubOf(ctx);
  let after = first.lastId;
  const end = Date.now() + 280_000; // under the command's 300 s ceiling
  while (!ctx.signal.aborted && Date.now() < end) {
    const r = await searchLogs(ctx.db, { query, afterId: after, limit: 200 });
    for (const h of r.hits) ctx.out.write(formatHit(h));
    after = r.lastId;
    if (r.hits.length === 0) await hub.waitForLines(10_000, ctx.signal);
  }
  if (!ctx.signal.aborted) ctx.out.write("log-hub: follow stopped after 280 s; run it again\n");
  return ctx.signal.aborted ? 130 : 0;
});

const statsCommand: Handler = guarded(async (argv, ctx) => {
  const a = parseArgs(argv, ["since", "until", "format"], []);
  const now = Date.now();
  const s = await stats(
    ctx.db,
    sinceToMs(a.options.get("since") ?? "1h", now),
    a.options.has("until") ? sinceToMs(a.options.get("until")!, now) : now + 60_000,
  );
  ctx.out.write(a.options.get("format") === "json" ? JSON.stringify(s) + "\n" : formatStats(s));
});

const analyze: Handler = guarded(async (argv, ctx) => {
  parseArgs(argv, [], []);
  const r = await checkAnomaly(
    ctx.db,
    settings(ctx).anomaly,
    Date.now(),
    (data) => ctx.emit("logs.anomaly", data),
  );
  ctx.out.write(
    `errors in the last minute: ${r.errors} of ${r.lines} lines; trailing hour: ` +
      `${r.baseline_per_min}/min; anomaly from ${r.threshold}: ${r.anomaly ? "YES" : "no"}` +
      `${
        r.anomaly ? (r.emitted ? " (logs.anomaly emitted)" : " (cool-down: not emitted again)") : ""
      }\n`,
  );
});

const trimCommand: Handler = guarded(async (argv, ctx) => {
  parseArgs(argv, [], []);
  const r = await trim(ctx.db, settings(ctx).retention, Date.now());
  ctx.out.write(
    `removed ${r.by_age} lines by age and ${r.by_size} by size; ${r.remaining} lines, ${r.used_mb} MiB\n`,
  );
});

const forward: Handler = guarded(async (argv, ctx) => {
  parseArgs(argv, [], []);
  const cfg = settings(ctx).forward;
  if (!cfg.url) {
    ctx.out.write("log-hub: forwarding is off; set forward.url (e.g. http://localhost:9200)\n");
    return 1;
  }
  ctx.out.write(`sent ${await forwardNow(ctx.db, cfg, ctx.log, 1000)} lines to ${cfg.url}\n`);
});

const sources: Handler = guarded((argv, ctx) => {
  parseArgs(argv, [], []);
  const cfg = settings(ctx);
  const open = new Map(hubOf(ctx).tailer.states().map((s) => [s.path, s]));
  ctx.out.write(`files (${cfg.files.length} patterns, every ${cfg.poll_ms} ms):\n`);
  for (const f of cfg.files) ctx.out.write(`  ${f.path}  parser ${f.parser ?? "auto"}\n`);
  for (const s of open.values()) ctx.out.write(`    ${s.path}  at byte ${s.offset}\n`);
  ctx.out.write(`events: log.line (parser ${cfg.event_parser})\n`);
  ctx.out.write(
    `http: POST /hooks/${ctx.plugin.id}/ingest (${
      cfg.ingest_token ? "token set" : "off: no ingest_token"
    })\n`,
  );
});

/** Every command, by name. */
export const commands: Record<string, Handler> = {
  search,
  tail,
  stats: statsCommand,
  analyze,
  trim: trimCommand,
  forward,
  sources,
};
