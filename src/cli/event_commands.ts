/** `plugd event list` and `plugd event redeliver`: stored events, dead letters, replay. */
import type { Command } from "./command.ts";
import { localTime } from "./human_format.ts";
import { printable } from "./terminal_text.ts";
import { print, table } from "./output.ts";
import { callApi } from "./plugin_api.ts";

interface EventSummaryView {
  id: string;
  type: string;
  source: string;
  received_at: string;
  status: string;
  deliveries: { ok: number; pending: number; dead: number };
  dead_letters: { plugin: string; hook: string; status: string; error: string | null }[];
}

const FILTERS = ["type", "status", "plugin", "since", "until", "limit", "cursor"] as const;

/** `plugd event list`. */
export const eventListCommand: Command = {
  path: "event list",
  args: "",
  summary: "list stored events newest first with their deliveries; --status dead for dead letters",
  notes: "A dead letter is a delivery that finally failed (error, timeout, or retries exhausted " +
    "after the plugin crashed); `plugd event redeliver <id> <plugin>` tries it again.",
  arity: [0, 0],
  options: {
    type: { type: "string", value: "TYPE", description: "exact type, or a prefix ending in *" },
    status: { type: "string", value: "STATUS", description: "pending, dead or ok" },
    plugin: { type: "string", value: "ID", description: "only events delivered to this plugin" },
    since: { type: "string", value: "TIME", description: "ISO time or a span back (15m, 24h)" },
    until: { type: "string", value: "TIME", description: "ISO time or a span back" },
    limit: { type: "string", value: "N", description: "events per page, 1-500 (default 50)" },
    cursor: { type: "string", value: "C", description: "the page after a previous one" },
  },
  async run(ctx) {
    const query = new URLSearchParams();
    for (const name of FILTERS) {
      if (ctx.options[name]) query.set(name, String(ctx.options[name]));
    }
    const page = await callApi<{ events: EventSummaryView[]; next: string | null }>(
      ctx,
      "GET",
      `/v1/events${query.size ? `?${query}` : ""}`,
    );
    print(ctx, page, () => {
      if (page.events.length === 0) return "no events match";
      const rows = page.events.map((e) => [
        localTime(Date.parse(e.received_at)),
        printable(e.id),
        printable(e.type),
        e.status,
        `${e.deliveries.ok}/${e.deliveries.pending}/${e.deliveries.dead}`,
        printable(
          e.dead_letters.map((d) => `${d.plugin}: ${d.status} ${d.error ?? ""}`.slice(0, 100))
            .join("; "),
        ),
      ]);
      return table(["RECEIVED", "ID", "TYPE", "STATUS", "OK/PENDING/DEAD", "DEAD LETTERS"], rows) +
        (page.next ? `\n(more: plugd event list --cursor ${page.next})` : "");
    });
    return 0;
  },
};

/** `plugd event redeliver`. */
export const eventRedeliverCommand: Command = {
  path: "event redeliver",
  args: "<event-id> <plugin>",
  summary: "deliver a dead letter again: the event's failed deliveries to that plugin",
  arity: [2, 2],
  async run(ctx) {
    const [id, plugin] = ctx.args as [string, string];
    const done = await callApi<{ id: string; plugin: string; hooks: string[] }>(
      ctx,
      "POST",
      `/v1/events/${encodeURIComponent(id)}/redeliver`,
      { plugin },
    );
    print(
      ctx,
      done,
      () =>
        `redelivering ${printable(done.id)} to ${done.plugin} (${done.hooks.join(", ")}); ` +
        `see plugd event list --plugin ${done.plugin}`,
    );
    return 0;
  },
};
