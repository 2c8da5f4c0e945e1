/** `/ui/webhooks`: list, add (secret once), test, enable/disable, rotate (secret once), delete. */
import type { Context, Hono } from "hono";
import { ApiProblem } from "../api_client.ts";
import type { ConsoleKit } from "../kit.ts";
import {
  type DeliveryView,
  WebhookDeliveriesPage,
  WebhooksPage,
  type WebhookView,
} from "../pages/webhooks_page.tsx";
import type { ConsoleEnv } from "../types.ts";
import { mustOperate } from "./plugin_action_routes.tsx";

const ID = "wh_[0-9a-f]{1,64}";

/** Registers the webhook pages. */
export function webhooksRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  const list = async (c: Context<ConsoleEnv>) =>
    (await kit.api(c).get<{ webhooks: WebhookView[] }>("/v1/webhooks")).webhooks;
  const refused = (c: Context<ConsoleEnv>, error: unknown, to = "/ui/webhooks") => {
    if (!(error instanceof ApiProblem)) throw error;
    return kit.done(c, to, { kind: "error", text: error.message });
  };

  app.get("/ui/webhooks", async (c) => {
    return await kit.render(c, <WebhooksPage ctx={kit.page(c)} hooks={await list(c)} />);
  });

  app.post("/ui/webhooks", async (c) => {
    mustOperate(c);
    const body = await c.req.parseBody();
    const form = Object.fromEntries(
      Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v : ""]),
    );
    const eventTypes = (form.event_types ?? "").split(",").map((t) => t.trim()).filter(Boolean);
    try {
      const { body: made } = await kit.api(c).send<WebhookView & { secret: string }>(
        "POST",
        "/v1/webhooks",
        {
          url: (form.url ?? "").trim(),
          event_types: eventTypes,
          ...(form.name?.trim() ? { name: form.name.trim() } : {}),
        },
      );
      const secret = { label: `Signing secret of ${made.name || made.id}`, value: made.secret };
      return await kit.render(
        c,
        <WebhooksPage ctx={kit.page(c)} hooks={await list(c)} secret={secret} />,
        201,
      );
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const details = error.problems.map((p) => `${p.field}: ${p.message}`).join("; ");
      const message = details ? `${error.message} (${details})` : error.message;
      return await kit.render(
        c,
        <WebhooksPage ctx={kit.page(c)} hooks={await list(c)} error={message} form={form} />,
        error.status,
      );
    }
  });

  app.get(`/ui/webhooks/:id{${ID}}`, async (c) => {
    const id = c.req.param("id");
    const cursor = c.req.query("cursor");
    const api = kit.api(c);
    const [hook, page] = await Promise.all([
      api.get<WebhookView>(`/v1/webhooks/${id}`),
      api.get<{ deliveries: DeliveryView[]; next_cursor: string | null }>(
        `/v1/webhooks/${id}/deliveries?limit=50${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
        }`,
      ),
    ]);
    return await kit.render(
      c,
      <WebhookDeliveriesPage
        ctx={kit.page(c)}
        hook={hook}
        deliveries={page.deliveries}
        next={page.next_cursor}
      />,
    );
  });

  app.post(`/ui/webhooks/:id{${ID}}/test`, async (c) => {
    mustOperate(c);
    const id = c.req.param("id");
    try {
      const { body } = await kit.api(c).send<
        { status: string; attempt?: { status_code: number | null; error: string | null } }
      >(
        "POST",
        `/v1/webhooks/${id}/test?wait=true`,
      );
      const a = body.attempt;
      const text = a
        ? `Test delivery: ${a.status_code ?? "no answer"}${a.error ? ` (${a.error})` : ""}`
        : "Test delivery queued";
      return kit.done(c, `/ui/webhooks/${id}`, {
        kind: a && !a.error && (a.status_code ?? 0) < 300 ? "ok" : "error",
        text,
      });
    } catch (error) {
      return refused(c, error);
    }
  });

  for (const [action, enabled] of [["enable", true], ["disable", false]] as const) {
    app.post(`/ui/webhooks/:id{${ID}}/${action}`, async (c) => {
      mustOperate(c);
      try {
        await kit.api(c).send("PUT", `/v1/webhooks/${c.req.param("id")}`, { enabled });
      } catch (error) {
        return refused(c, error);
      }
      return kit.done(c, "/ui/webhooks", { kind: "ok", text: `Webhook ${action}d` });
    });
  }

  app.post(`/ui/webhooks/:id{${ID}}/rotate`, async (c) => {
    mustOperate(c);
    try {
      const { body } = await kit.api(c).send<
        { secret: string; previous_secret_valid_until: string; name: string; id: string }
      >(
        "POST",
        `/v1/webhooks/${c.req.param("id")}/rotate`,
        {},
      );
      const secret = {
        label: `New signing secret of ${
          body.name || body.id
        } (the old one still signs until ${body.previous_secret_valid_until})`,
        value: body.secret,
      };
      return await kit.render(
        c,
        <WebhooksPage ctx={kit.page(c)} hooks={await list(c)} secret={secret} />,
      );
    } catch (error) {
      return refused(c, error);
    }
  });

  app.post(`/ui/webhooks/:id{${ID}}/delete`, async (c) => {
    mustOperate(c);
    try {
      await kit.api(c).send("DELETE", `/v1/webhooks/${c.req.param("id")}`);
    } catch (error) {
      return refused(c, error);
    }
    return kit.done(c, "/ui/webhooks", { kind: "ok", text: "Webhook deleted" });
  });
}
