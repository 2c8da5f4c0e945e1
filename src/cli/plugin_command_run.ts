/**
 * `plugd <plugin-id> <command> [args...]`: runs a plugin's command in the daemon and prints its
 * output as it streams in (escape sequences stripped unless `--raw`), exits with the command's
 * exit code; Ctrl-C closes the stream, which cancels the run in the plugin.
 */
import { ApiClient } from "./client.ts";
import { CliError, type CommandContext } from "./command.ts";
import { TerminalStripper } from "./terminal_text.ts";

/** Exit code after Ctrl-C, as shells report SIGINT. */
export const EXIT_INTERRUPTED = 130;

/** One NDJSON line of the daemon's stream. */
interface StreamLine {
  out?: string;
  exit?: number;
  error?: { status: number; detail: string };
  dropped_bytes?: number;
}

/** Runs `command` of `pluginId` with `args`; resolves to the exit code. */
export async function runPluginCommand(
  ctx: CommandContext,
  pluginId: string,
  command: string,
  args: string[],
): Promise<number> {
  const raw = ctx.options.raw === true;
  const json = ctx.options.json === true;
  const write = lineWriter(ctx);
  const stripper = new TerminalStripper();
  const abort = new AbortController();
  let interrupted = false;
  const release = ctx.io.onInterrupt?.(() => {
    interrupted = true;
    abort.abort();
  });
  using client = ApiClient.fromContext(ctx);
  try {
    const res = await client.raw(
      "POST",
      `/v1/plugins/${encodeURIComponent(pluginId)}/commands/${encodeURIComponent(command)}`,
      { args },
      {},
      abort.signal,
    );
    if (!res.ok) {
      const problem = await res.json().catch(() => ({})) as { detail?: string };
      throw new CliError(`${problem.detail ?? `HTTP ${res.status}`} (HTTP ${res.status})`);
    }
    let last: StreamLine | undefined;
    for await (const line of ndjson(res.body!)) {
      if (json) write(JSON.stringify(line) + "\n");
      else if (typeof line.out === "string") write(raw ? line.out : stripper.push(line.out));
      if (line.out === undefined) last = line;
    }
    if (!json) write(stripper.flush(), true);
    if (last?.dropped_bytes) {
      ctx.io.err(
        `plugd: ${last.dropped_bytes} bytes of output were dropped (the terminal was slow)`,
      );
    }
    if (last?.error) throw new CliError(`${pluginId} ${command}: ${last.error.detail}`);
    if (typeof last?.exit !== "number") {
      throw new CliError(`the daemon ended the stream of ${pluginId} ${command} without a result`);
    }
    return last.exit;
  } catch (error) {
    if (interrupted) {
      write("", true);
      ctx.io.err(`plugd: ${pluginId} ${command} cancelled`);
      return EXIT_INTERRUPTED;
    }
    throw error;
  } finally {
    release?.();
  }
}

/** Writes streamed text; without `io.write`, whole lines go to `io.out`. */
function lineWriter(ctx: CommandContext): (text: string, end?: boolean) => void {
  if (ctx.io.write) return (text) => text && ctx.io.write!(text);
  let pending = "";
  return (text, end = false) => {
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) ctx.io.out(line);
    if (end && pending) {
      ctx.io.out(pending);
      pending = "";
    }
  };
}

async function* ndjson(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamLine> {
  let buffer = "";
  for await (const text of body.pipeThrough(new TextDecoderStream())) {
    buffer += text;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) yield JSON.parse(line) as StreamLine;
    }
  }
  if (buffer.trim()) yield JSON.parse(buffer) as StreamLine;
}
