// #if webhook
import { definePlugin, verifyGitHubSignature } from "@plugd/sdk";
// #else
import { definePlugin } from "@plugd/sdk";
// #endif

/** __NAME__: a starting point. Delete what you do not need (and its plugin.yaml entry). */
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
    // #if webhook
    // Anyone can reach a public route: check the signature (GitHub style, X-Hub-Signature-256)
    // over the raw body before trusting anything in it.
    "POST /webhook": async (req, ctx) => {
      const body = new Uint8Array(await req.arrayBuffer());
      const signature = req.headers.get("x-hub-signature-256");
      if (!await verifyGitHubSignature(String(ctx.config.webhook_secret), body, signature)) {
        return Response.json({ error: "bad or missing signature" }, { status: 401 });
      }
      await ctx.emit("__NS__.webhook", JSON.parse(new TextDecoder().decode(body)));
      return new Response(null, { status: 202 });
    },
    // #endif
  },
  // #if command
  commands: {
    // plugd __ID__ hello [name]: output streams to the terminal; the return value is the exit code.
    hello: (args, ctx) => {
      ctx.out.write(`${ctx.config.greeting}, ${args[0] ?? "world"}\n`);
      return 0;
    },
  },
  // #endif
  health: () => ({ status: "healthy" }),
});
