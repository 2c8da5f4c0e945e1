/** A `command` call: `ctx.out` streams `out` frames for the call, the result is an exit code. */
import type { CommandContext, CommandHandler, PluginContext } from "../../../sdk/types.ts";
import { send } from "./channel.ts";
import { type CommandPayload, MAX_OUT_CHUNK } from "./wire.ts";

/** Runs `handler` for call `id`; resolves to its exit code (0-255). */
export async function runCommand(
  handler: CommandHandler<Record<string, unknown>>,
  ctx: PluginContext,
  id: number,
  payload: unknown,
  signal: AbortSignal,
): Promise<number> {
  const args = (payload as CommandPayload | undefined)?.args;
  const list = Array.isArray(args) ? args.map(String) : [];
  const decoder = new TextDecoder();
  let open = true;
  const write = (chunk: string | Uint8Array): void => {
    if (!open) return; // the run is over: late writes go nowhere
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    for (let at = 0; at < text.length; at += MAX_OUT_CHUNK) {
      send({ t: "out", id, data: text.slice(at, at + MAX_OUT_CHUNK) });
    }
  };
  const commandCtx: CommandContext = Object.freeze({
    ...ctx,
    out: Object.freeze({ write }),
    signal,
  });
  try {
    const code = await handler(list, commandCtx);
    if (code === undefined || code === null) return 0;
    if (!Number.isInteger(code) || code < 0 || code > 255) {
      throw new TypeError(
        `A command returns its exit code (an integer 0-255) or nothing; got ${code}`,
      );
    }
    return code;
  } finally {
    open = false;
  }
}
