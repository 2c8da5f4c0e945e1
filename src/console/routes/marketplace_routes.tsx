/**
 * `/ui/marketplace` and `/ui/updates`: browse and search the registries, a plugin's detail with
 * its permissions and reviews, install, review; outdated plugins with their permission diff,
 * update one or all, auto-update policies. Everything goes through the daemon's API.
 */
import type { Hono } from "hono";
import type { ConsoleKit } from "../kit.ts";
import { type CatalogDetail, MarketplaceDetailPage } from "../pages/marketplace_detail_page.tsx";
import {
  type CatalogFilters,
  type CatalogRow,
  MarketplacePage,
} from "../pages/marketplace_page.tsx";
import { type AdvisoryRow, type UpdateRow, UpdatesPage } from "../pages/updates_page.tsx";
import { ApiProblem } from "../api_client.ts";
import type { ConsoleEnv } from "../types.ts";

const enc = encodeURIComponent;

/** Registers the marketplace and updates pages. */
export function marketplaceRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  app.get("/ui/marketplace", async (c) => {
    const filters: CatalogFilters = {
      q: (c.req.query("q") ?? "").slice(0, 200),
      category: (c.req.query("category") ?? "").slice(0, 40),
      max_risk: (c.req.query("max_risk") ?? "").slice(0, 10),
      sort: (c.req.query("sort") ?? "").slice(0, 20),
    };
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
    const result = await kit.api(c).get<
      { plugins: CatalogRow[]; errors: { registry: string; message: string }[] }
    >(`/v1/catalog?${params}`);
    return await kit.render(
      c,
      <MarketplacePage
        ctx={kit.page(c)}
        filters={filters}
        plugins={result.plugins}
        errors={result.errors}
      />,
    );
  });

  app.get("/ui/marketplace/:id", async (c) => {
    const registry = c.req.query("registry");
    const d = await kit.api(c).get<CatalogDetail>(
      `/v1/catalog/${enc(c.req.param("id"))}${registry ? `?registry=${enc(registry)}` : ""}`,
    );
    return await kit.render(c, <MarketplaceDetailPage ctx={kit.page(c)} d={d} />);
  });

  app.post("/ui/marketplace/:id/install", async (c) => {
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    const version = String(form.version ?? "latest");
    const back = `/ui/marketplace/${enc(id)}?registry=${enc(String(form.registry ?? ""))}`;
    try {
      const { body } = await kit.api(c).send<{ version: string; deprecated?: string | null }>(
        "POST",
        "/v1/plugins",
        { source: `${id}@${version}` },
      );
      return kit.done(c, back, {
        kind: "ok",
        text: `Installed ${id} ${body.version}; review and grant its permissions to enable it` +
          (body.deprecated ? ` (deprecated: ${body.deprecated})` : ""),
      });
    } catch (error) {
      if (error instanceof ApiProblem) {
        return kit.done(c, back, { kind: "error", text: error.message });
      }
      throw error;
    }
  });

  app.post("/ui/marketplace/:id/review", async (c) => {
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    const back = `/ui/marketplace/${enc(id)}?registry=${enc(String(form.registry ?? ""))}`;
    try {
      await kit.api(c).send("PUT", `/v1/catalog/${enc(id)}/review`, {
        rating: Number(form.rating),
        title: String(form.title ?? ""),
        body: String(form.body ?? ""),
        registry: form.registry ? String(form.registry) : undefined,
      });
      return kit.done(c, back, { kind: "ok", text: "Review sent" });
    } catch (error) {
      if (error instanceof ApiProblem) {
        return kit.done(c, back, { kind: "error", text: error.message });
      }
      throw error;
    }
  });

  app.get("/ui/updates", async (c) => {
    const api = kit.api(c);
    const updates = await api.get<
      { updates: UpdateRow[]; errors: { registry: string; message: string }[] }
    >("/v1/updates");
    const advisories = await api.get<{ advisories: AdvisoryRow[] }>("/v1/advisories");
    return await kit.render(
      c,
      <UpdatesPage
        ctx={kit.page(c)}
        updates={updates.updates}
        errors={updates.errors}
        advisories={advisories.advisories}
      />,
    );
  });

  app.post("/ui/updates", async (c) => {
    const { body } = await kit.api(c).send<
      { results: { id: string; to: string; result: string }[] }
    >(
      "POST",
      "/v1/updates",
      {},
    );
    const text = body.results.map((r) => `${r.id} → ${r.to}: ${r.result.replace("_", " ")}`)
      .join("; ") || "Nothing to update";
    const failed = body.results.some((r) => r.result === "failed" || r.result === "rolled_back");
    return kit.done(c, "/ui/updates", { kind: failed ? "error" : "ok", text });
  });

  app.post("/ui/updates/:id", async (c) => {
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    try {
      const { body } = await kit.api(c).send<
        {
          version: string;
          awaiting_grant?: boolean;
          permissions_diff?: string;
          pending_update?: { to: string } | null;
        }
      >("POST", `/v1/plugins/${enc(id)}/update`, {
        source: `@${String(form.version ?? "latest")}`,
      });
      return kit.done(c, "/ui/updates", {
        kind: "ok",
        text: body.awaiting_grant
          ? `${id} ${
            body.pending_update?.to ?? body.version
          } is installed and waits for a grant (${body.permissions_diff})`
          : `${id} updated to ${body.version}`,
      });
    } catch (error) {
      if (error instanceof ApiProblem) {
        return kit.done(c, "/ui/updates", { kind: "error", text: error.message });
      }
      throw error;
    }
  });

  app.post("/ui/updates/:id/policy", async (c) => {
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    try {
      await kit.api(c).send("PUT", `/v1/plugins/${enc(id)}/auto-update`, {
        policy: String(form.policy ?? ""),
      });
      return kit.done(c, "/ui/updates", { kind: "ok", text: `${id}: auto-update ${form.policy}` });
    } catch (error) {
      if (error instanceof ApiProblem) {
        return kit.done(c, "/ui/updates", { kind: "error", text: error.message });
      }
      throw error;
    }
  });
}
