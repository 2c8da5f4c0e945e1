import { definePlugin, verifyGitHubSignature } from "@plugd/sdk";

/** What is kept of a delivery (storage key `delivery:<X-GitHub-Delivery>`). */
interface Delivery {
  event: string;
  repository: string | null;
  received_at: string;
}

/** GitHub Webhooks: verified deliveries become `github.<event>` events. */
export default definePlugin<{ webhook_secret: string }>({
  routes: {
    "POST /github": async (req, ctx) => {
      const body = new Uint8Array(await req.arrayBuffer());
      const signature = req.headers.get("x-hub-signature-256");
      if (!await verifyGitHubSignature(ctx.config.webhook_secret, body, signature)) {
        ctx.log.warn("refused a delivery with a bad or missing signature");
        return Response.json({ error: "bad or missing X-Hub-Signature-256" }, { status: 401 });
      }
      const event = (req.headers.get("x-github-event") ?? "unknown").toLowerCase();
      const id = req.headers.get("x-github-delivery") ?? crypto.randomUUID();
      if (!/^[a-z_]{1,64}$/.test(event)) {
        return Response.json({ error: "unexpected X-GitHub-Event" }, { status: 400 });
      }
      const payload = JSON.parse(new TextDecoder().decode(body)) as {
        repository?: { full_name?: string };
      };
      const delivery: Delivery = {
        event,
        repository: payload.repository?.full_name ?? null,
        received_at: new Date().toISOString(),
      };
      await ctx.storage.set(`delivery:${id}`, delivery);
      await ctx.emit(`github.${event}`, { delivery: id, ...delivery });
      return Response.json({ accepted: id }, { status: 202 });
    },
    "GET /deliveries/:id": async (_req, ctx) => {
      const delivery = await ctx.storage.get<Delivery>(`delivery:${ctx.params.id}`);
      return delivery
        ? Response.json(delivery)
        : Response.json({ error: `no delivery ${ctx.params.id}` }, { status: 404 });
    },
  },
});
