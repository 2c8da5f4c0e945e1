import { type CloudEvent, definePlugin, type PluginContext } from "@plugd/sdk";

const ICONS: Record<string, string> = { info: ":rocket:", warning: ":warning:", error: ":x:" };

/** Posts one message to the configured Slack incoming webhook; throws on a non-2xx answer. */
async function post(ctx: PluginContext, text: string): Promise<number> {
  const response = await fetch(String(ctx.config.webhook_url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ channel: ctx.config.channel, text }),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`Slack answered HTTP ${response.status}`);
  return response.status;
}

/** What ci-pipelines puts in its events (the fields used here). */
interface CiEvent {
  repo?: string;
  branch?: string | null;
  name?: string;
  sha?: string | null;
  url?: string | null;
  app?: string;
  reason?: string;
}

/** One line for a ci.* event, with the run's link in Slack's `<url|text>` form. */
function ciText(type: string, data: CiEvent): string {
  const sha = (data.sha ?? "").slice(0, 10);
  const what = `${data.repo ?? "?"} ${data.branch ?? ""} ${data.name ?? ""}`.replace(/\s+/g, " ")
    .trim();
  const link = (text: string) => (data.url ? `<${data.url}|${text}>` : text);
  if (type === "ci.pipeline.failed") return `:x: ${link(what)} failed at ${sha}`;
  if (type === "ci.pipeline.recovered") {
    return `:white_check_mark: ${link(what)} recovered at ${sha}`;
  }
  return `:warning: ${data.app ?? "an app"} at ${sha} deployed by emergency override: ${
    data.reason ?? ""
  }`;
}

/** Posts a ci.* event. */
async function ciAction(
  event: CloudEvent,
  ctx: PluginContext,
): Promise<{ sent: true; text: string }> {
  const text = ciText(event.type, (event.data ?? {}) as CiEvent);
  await post(ctx, text);
  await ctx.emit("slack.message_sent", { event: event.id, channel: ctx.config.channel });
  return { sent: true, text };
}

export default definePlugin({
  actions: {
    "ci.pipeline.failed": ciAction,
    "ci.pipeline.recovered": ciAction,
    "ci.gate.overridden": ciAction,
    "deployment.post_create": async (event, ctx) => {
      const data = (event.data ?? {}) as { app?: string; version?: string; env?: string };
      const icon = ICONS[String(ctx.config.level)] ?? "";
      const text = `${icon} ${data.app ?? "an app"} ${data.version ?? ""} deployed to ${
        data.env ?? "production"
      }`.replace(/\s+/g, " ").trim();
      await post(ctx, text);
      await ctx.emit("slack.message_sent", { event: event.id, channel: ctx.config.channel });
      return { sent: true, text };
    },
  },
  routes: {
    "POST /notify": async (req, ctx) => {
      const body = await req.json().catch(() => null) as { text?: unknown } | null;
      if (typeof body?.text !== "string" || body.text === "") {
        return Response.json({ error: 'send {"text": "..."}' }, { status: 400 });
      }
      return Response.json({ sent: true, status: await post(ctx, body.text) });
    },
  },
  health: () => ({ status: "healthy" }),
});
