/** What the webhook commands share: the API's webhook shape and one-shot calls. */
import type { Webhook } from "../webhooks/mod.ts";
import { type CommandContext, UsageError } from "./command.ts";
import { ApiClient } from "./client.ts";

/** The API's webhook shape; `secret` only in the answers that show it once. */
export type WebhookView = Webhook & { secret?: string };

/** One request to the daemon. */
export async function call<T>(ctx: CommandContext, method: string, path: string, body?: unknown) {
  using client = ApiClient.fromContext(ctx);
  return await client.request<T>(method, path, body);
}

/** The webhook id argument as a path segment. */
export const idOf = (ctx: CommandContext) => encodeURIComponent(ctx.args[0]!);

/** `--timeout` as whole milliseconds. */
export function timeoutOf(ctx: CommandContext): number {
  const t = Number(ctx.options.timeout);
  if (!Number.isInteger(t)) {
    throw new UsageError(`--timeout must be milliseconds; got "${ctx.options.timeout}"`);
  }
  return t;
}
