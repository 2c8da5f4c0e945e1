import { definePlugin } from "@plugd/sdk";

/** Counts deployments in plugin storage and emits a greeting event for each. */
export default definePlugin({
  actions: {
    "deployment.post_create": async (event, ctx) => {
      const seen = ((await ctx.storage.get("seen")) as number | null) ?? 0;
      await ctx.storage.set("seen", seen + 1);
      const app = String((event.data as { app?: unknown } | null)?.app ?? "unknown");
      const message = `${ctx.config.greeting}, ${app}!`;
      ctx.log.info(message, { event: event.id });
      await ctx.emit("hello.greeted", { app, message });
      return { seen: seen + 1, message };
    },
  },
  routes: {
    "GET /count": async (_req, ctx) =>
      Response.json({ seen: (await ctx.storage.get("seen")) ?? 0 }),
  },
  health: () => ({ status: "healthy" }),
});
