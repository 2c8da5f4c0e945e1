/** `plugd webhook …`: outgoing webhooks (docs/webhooks.md); update/enable/disable/redeliver in webhook_manage_commands.ts. */
import { type Command, UsageError } from "./command.ts";
import { print, table } from "./output.ts";
import {
  webhookRedeliverCommand,
  webhookSwitch,
  webhookUpdateCommand,
} from "./webhook_manage_commands.ts";
import { call, idOf, timeoutOf, type WebhookView } from "./webhook_api.ts";

interface AttemptView {
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

interface DeliveryView {
  id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  created_at: string;
  next_attempt_at: string | null;
  attempt_log?: AttemptView[];
}

const secretNote = (secret: string) =>
  `secret: ${secret}\n(shown once: store it in the receiver now; receivers verify signatures with it)`;

/** `plugd webhook add <url> --event TYPE ...` */
export const webhookAddCommand: Command = {
  path: "webhook add",
  args: "<url>",
  summary: "subscribe a URL to event types (--event TYPE, repeatable; prints the secret once)",
  arity: [1, 1],
  options: {
    event: {
      type: "string",
      multiple: true,
      value: "TYPE",
      description: 'event type to deliver, may end in * ("deployment.*"); at least one',
    },
    name: { type: "string", description: "a name for the endpoint" },
    secret: {
      type: "string",
      value: "whsec_…",
      description: "signing secret (default: a new random one, shown once)",
    },
    timeout: { type: "string", value: "MS", description: "per-request timeout in milliseconds" },
  },
  async run(ctx) {
    const events = (ctx.options.event as string[] | undefined) ?? [];
    if (events.length === 0) {
      throw new UsageError('give at least one --event TYPE (e.g. --event "deployment.*")');
    }
    const body: Record<string, unknown> = { url: ctx.args[0], event_types: events };
    if (ctx.options.name) body.name = ctx.options.name;
    if (ctx.options.secret) body.secret = ctx.options.secret;
    if (ctx.options.timeout !== undefined) body.timeout_ms = timeoutOf(ctx);
    const hook = await call<WebhookView>(ctx, "POST", "/v1/webhooks", body);
    print(ctx, hook, () => `added webhook ${hook.id} -> ${hook.url}\n${secretNote(hook.secret!)}`);
    return 0;
  },
};

/** `plugd webhook list` */
export const webhookListCommand: Command = {
  path: "webhook list",
  args: "",
  summary: "list webhooks",
  arity: [0, 0],
  async run(ctx) {
    const { webhooks } = await call<{ webhooks: WebhookView[] }>(ctx, "GET", "/v1/webhooks");
    print(
      ctx,
      { webhooks },
      () =>
        webhooks.length === 0
          ? 'no webhooks; add one with "plugd webhook add <url> --event TYPE"'
          : table(
            ["ID", "NAME", "URL", "EVENTS", "STATE", "FAILURES"],
            webhooks.map((w) => [
              w.id,
              w.name,
              w.url,
              w.event_types.join(","),
              w.enabled ? "enabled" : `disabled (${w.disabled_reason ?? "-"})`,
              w.consecutive_failures,
            ]),
          ),
    );
    return 0;
  },
};

/** `plugd webhook remove <id>` */
export const webhookRemoveCommand: Command = {
  path: "webhook remove",
  args: "<id>",
  summary: "delete a webhook and its delivery log",
  arity: [1, 1],
  async run(ctx) {
    await call(ctx, "DELETE", `/v1/webhooks/${idOf(ctx)}`);
    print(ctx, { id: ctx.args[0], removed: true }, () => `removed webhook ${ctx.args[0]}`);
    return 0;
  },
};

/** `plugd webhook test <id>`: sends a webhook.test event and waits for the first attempt. */
export const webhookTestCommand: Command = {
  path: "webhook test",
  args: "<id>",
  summary: "send a webhook.test event and show the first attempt's outcome",
  arity: [1, 1],
  async run(ctx) {
    const r = await call<{ delivery_id: string; attempt: AttemptView | null }>(
      ctx,
      "POST",
      `/v1/webhooks/${idOf(ctx)}/test?wait=true`,
    );
    const a = r.attempt;
    const ok = a !== null && a.status_code !== null && a.status_code >= 200 && a.status_code < 300;
    print(
      ctx,
      r,
      () =>
        a === null
          ? `delivery ${r.delivery_id} queued; no attempt yet (see "plugd webhook deliveries ${
            ctx.args[0]
          }")`
          : `delivery ${r.delivery_id}: ${a.status_code ?? "no response"} in ${a.duration_ms} ms${
            a.error ? ` (${a.error})` : ""
          }`,
    );
    return ok ? 0 : 1;
  },
};

/** `plugd webhook deliveries <id> [--limit N] [--cursor C]` */
export const webhookDeliveriesCommand: Command = {
  path: "webhook deliveries",
  args: "<id>",
  summary: "show recent deliveries (newest first) with their attempts",
  arity: [1, 1],
  options: {
    limit: { type: "string", value: "N", description: "deliveries per page" },
    cursor: { type: "string", description: "continue after the page that printed this cursor" },
  },
  async run(ctx) {
    const q = new URLSearchParams();
    if (ctx.options.limit) q.set("limit", String(ctx.options.limit));
    if (ctx.options.cursor) q.set("cursor", String(ctx.options.cursor));
    const page = await call<{ deliveries: DeliveryView[]; next_cursor: string | null }>(
      ctx,
      "GET",
      `/v1/webhooks/${idOf(ctx)}/deliveries${q.size ? `?${q}` : ""}`,
    );
    print(ctx, page, () => {
      const rows = page.deliveries.map((d) => {
        const last = d.attempt_log?.at(-1);
        return [
          d.id,
          d.event_type,
          d.status,
          d.attempts,
          d.last_status_code,
          d.created_at,
          d.next_attempt_at ?? last?.error ?? "",
        ];
      });
      const text = table(
        ["ID", "EVENT", "STATUS", "ATTEMPTS", "CODE", "CREATED", "NEXT/ERROR"],
        rows,
      );
      return page.next_cursor ? `${text}\nmore: --cursor ${page.next_cursor}` : text;
    });
    return 0;
  },
};

/** `plugd webhook rotate <id>` */
export const webhookRotateCommand: Command = {
  path: "webhook rotate",
  args: "<id>",
  summary: "rotate the signing secret (new one shown once; the old one is also signed for 24 h)",
  arity: [1, 1],
  async run(ctx) {
    const r = await call<WebhookView & { previous_secret_valid_until: string }>(
      ctx,
      "POST",
      `/v1/webhooks/${idOf(ctx)}/rotate`,
      {},
    );
    print(
      ctx,
      r,
      () =>
        `rotated ${r.id}; the old secret is also signed until ${r.previous_secret_valid_until}\n${
          secretNote(r.secret!)
        }`,
    );
    return 0;
  },
};

/** Every webhook command, in help order. */
export const WEBHOOK_COMMANDS: readonly Command[] = [
  webhookAddCommand,
  webhookListCommand,
  webhookTestCommand,
  webhookDeliveriesCommand,
  webhookUpdateCommand,
  webhookSwitch(true),
  webhookSwitch(false),
  webhookRedeliverCommand,
  webhookRotateCommand,
  webhookRemoveCommand,
];
