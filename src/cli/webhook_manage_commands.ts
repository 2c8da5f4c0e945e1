/** `plugd webhook update|enable|disable|redeliver`: changing webhooks without a raw curl. */
import { type Command, UsageError } from "./command.ts";
import { print } from "./output.ts";
import { call, idOf, timeoutOf, type WebhookView } from "./webhook_api.ts";

/** `plugd webhook enable|disable <id>`: an auto-disabled endpoint comes back without curl. */
export function webhookSwitch(enabled: boolean): Command {
  return {
    path: `webhook ${enabled ? "enable" : "disable"}`,
    args: "<id>",
    summary: enabled
      ? "enable a webhook again (resets its failure count; queued deliveries resume)"
      : "stop delivering to a webhook (deliveries stay queued until it is enabled)",
    arity: [1, 1],
    async run(ctx) {
      const hook = await call<WebhookView>(ctx, "PUT", `/v1/webhooks/${idOf(ctx)}`, { enabled });
      print(ctx, hook, () => `${hook.id}: ${hook.enabled ? "enabled" : "disabled"} (${hook.url})`);
      return 0;
    },
  };
}

/** `plugd webhook update <id> [new-url] [--event T ...] [--name N] [--timeout MS]` */
export const webhookUpdateCommand: Command = {
  path: "webhook update",
  args: "<id> [new-url]",
  summary: "change a webhook's URL, event types, name or timeout",
  arity: [1, 2],
  options: {
    event: {
      type: "string",
      multiple: true,
      value: "TYPE",
      description: "event types to deliver (replace the list; repeatable)",
    },
    name: { type: "string", description: "a new name" },
    timeout: { type: "string", value: "MS", description: "per-request timeout in milliseconds" },
  },
  async run(ctx) {
    const body: Record<string, unknown> = {};
    if (ctx.args[1]) body.url = ctx.args[1];
    if (ctx.options.event) body.event_types = ctx.options.event;
    if (ctx.options.name !== undefined) body.name = ctx.options.name;
    if (ctx.options.timeout !== undefined) body.timeout_ms = timeoutOf(ctx);
    if (Object.keys(body).length === 0) {
      throw new UsageError("nothing to change: give a new URL, --event, --name or --timeout");
    }
    const hook = await call<WebhookView>(ctx, "PUT", `/v1/webhooks/${idOf(ctx)}`, body);
    print(ctx, hook, () => `updated ${hook.id} -> ${hook.url} (${hook.event_types.join(", ")})`);
    return 0;
  },
};

/** `plugd webhook redeliver <id> <delivery-id>` */
export const webhookRedeliverCommand: Command = {
  path: "webhook redeliver",
  args: "<id> <delivery-id>",
  summary: "send a delivered or failed delivery again now (same webhook-id)",
  arity: [2, 2],
  async run(ctx) {
    const r = await call<{ delivery_id: string; status: string }>(
      ctx,
      "POST",
      `/v1/webhooks/${idOf(ctx)}/deliveries/${encodeURIComponent(ctx.args[1]!)}/redeliver`,
    );
    print(
      ctx,
      r,
      () => `delivery ${r.delivery_id} queued again; see "plugd webhook deliveries ${ctx.args[0]}"`,
    );
    return 0;
  },
};
