/**
 * `plugd emit --batch FILE|-`: a file of many CloudEvents (a JSON array, or one event per line)
 * sent in batches (CloudEvents batched mode, `application/cloudevents-batch+json`), each batch
 * stored in one commit by the daemon.
 */
import { ApiClient } from "./client.ts";
import { callerPath, CliError, type CommandContext, UsageError } from "./command.ts";
import { print } from "./output.ts";

/** Most events per request (the daemon's limit). */
const BATCH_EVENTS = 1000;
/** Most bytes per request, under the daemon's 1 MiB body limit. */
const BATCH_BYTES = 900 * 1024;

/** Reads the events of `--batch`: JSON array or NDJSON; fills `specversion` and `source`. */
async function readEvents(ctx: CommandContext, file: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = file === "-"
      ? await new Response(Deno.stdin.readable).text()
      : await Deno.readTextFile(callerPath(ctx, file));
  } catch (error) {
    throw new UsageError(`--batch ${file}: cannot read the file: ${(error as Error).message}`);
  }
  const trimmed = text.trim();
  let values: unknown[];
  try {
    values = trimmed.startsWith("[")
      ? JSON.parse(trimmed)
      : trimmed.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
  } catch (error) {
    throw new UsageError(
      `--batch ${file} is not a JSON array or one JSON event per line: ${(error as Error).message}`,
    );
  }
  const source = (ctx.options.source as string | undefined) ?? "/cli";
  return values.map((v, i) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      throw new UsageError(`--batch ${file}: event ${i} is not a JSON object`);
    }
    return { specversion: "1.0", source, ...v };
  });
}

/** Splits `events` into request bodies of at most BATCH_EVENTS events and BATCH_BYTES bytes. */
function chunks(events: Record<string, unknown>[]): { start: number; body: string[] }[] {
  const out: { start: number; body: string[]; bytes: number }[] = [];
  events.forEach((event, i) => {
    const text = JSON.stringify(event);
    const last = out.at(-1);
    if (last && last.body.length < BATCH_EVENTS && last.bytes + text.length + 1 <= BATCH_BYTES) {
      last.body.push(text);
      last.bytes += text.length + 1;
    } else out.push({ start: i, body: [text], bytes: text.length + 2 });
  });
  return out;
}

/** Sends the file's events in batches; prints how many were accepted. Exit 0, or throws. */
export async function emitBatchFile(ctx: CommandContext, file: string): Promise<number> {
  if (ctx.options.wait) throw new UsageError("--wait does not go with --batch");
  if (ctx.options.id) throw new UsageError("--id does not go with --batch: set ids in the file");
  const events = await readEvents(ctx, file);
  if (events.length === 0) throw new UsageError(`--batch ${file} holds no events`);
  using client = ApiClient.fromContext(ctx);
  const ids: string[] = [];
  const duplicates: string[] = [];
  for (const { start, body } of chunks(events)) {
    const bytes = new TextEncoder().encode(`[${body.join(",")}]`);
    try {
      const r = await client.request<{ ids: string[]; duplicates: string[] }>(
        "POST",
        "/v1/events",
        bytes,
        { "content-type": "application/cloudevents-batch+json" },
      );
      ids.push(...r.ids);
      duplicates.push(...r.duplicates);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      throw new CliError(
        `events ${start}-${start + body.length - 1} of ${file} were refused: ${error.message} ` +
          `(an index there counts from event ${start}); the ${ids.length} events before them ` +
          "were accepted",
        error.exitCode,
        { cause: error },
      );
    }
  }
  print(ctx, { ids, duplicates }, () => {
    const dup = duplicates.length > 0 ? ` (${duplicates.length} already accepted before)` : "";
    return `accepted ${ids.length} events${dup}`;
  });
  return 0;
}
