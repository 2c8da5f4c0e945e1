import { definePlugin } from "@plugd/sdk";

/** __NAME__: an action, a filter, a gate and a route to start from. */
export default definePlugin({
  actions: {
    "deployment.post_create": async (event, ctx) => {
      const count = ((await ctx.storage.get("deployments")) as number | null) ?? 0;
      await ctx.storage.set("deployments", count + 1);
      ctx.log.info("deployment seen", { id: event.id });
      await ctx.emit("__NS__.seen", { event: event.id });
      return { deployments: count + 1 };
    },
  },
  filters: {
    "notification.format": (data, ctx) => {
      const text = String((data as { text?: unknown }).text ?? "");
      return { ...(data as Record<string, unknown>), text: `${ctx.config.greeting}: ${text}` };
    },
  },
  gates: {
    "deployment.pre_create": (data) => {
      const app = (data as { app?: unknown }).app;
      return typeof app === "string" && app !== ""
        ? { allow: true }
        : { allow: false, reason: "data.app is required" };
    },
  },
  routes: {
    "GET /status": async (_req, ctx) =>
      Response.json({ deployments: (await ctx.storage.get("deployments")) ?? 0 }),
  },
  health: () => ({ status: "healthy" }),
});
