import { definePlugin, type PluginContext } from "@plugd/sdk";

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

export default definePlugin({
  actions: {
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
