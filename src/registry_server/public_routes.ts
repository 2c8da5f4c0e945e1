/**
 * The registry's read API (no token needed): search, categories, featured, plugin detail, the
 * index daemons resolve from, downloads, reviews, the advisory feed; plus the two ways in
 * without an admin: installation registration and (when enabled) publisher sign-up.
 */
import { Hono } from "hono";
import { HttpError, readJsonObject } from "../api/mod.ts";
import { VERSION } from "../version.ts";
import { signedFeed } from "./advisories.ts";
import { indexFragment, pluginDetail, takeDownload } from "./plugin_detail.ts";
import { createPublisher } from "./publishers.ts";
import { listReviews, registerInstallation } from "./reviews.ts";
import { listCategories, searchPlugins, type SearchQuery } from "./search.ts";
import type { RegistryDeps, RegistryEnv } from "./types.ts";

function list(value: string | undefined): string[] | undefined {
  return value ? value.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
}

function intParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `${name} must be a whole number`);
  return n;
}

/** The public route group. */
export function createPublicRoutes(deps: RegistryDeps): Hono<RegistryEnv> {
  const { store } = deps;
  const app = new Hono<RegistryEnv>();

  app.get("/api/v1/health", async (c) => {
    const rs = await store.execute("SELECT count(*) AS n FROM plugins WHERE latest IS NOT NULL");
    return c.json({ status: "ok", version: VERSION, plugins: Number(rs.rows[0]?.n ?? 0) });
  });

  app.get("/api/v1/search", async (c) => {
    const q = (name: string) => c.req.query(name) || undefined;
    const query: SearchQuery = {
      q: q("q"),
      category: q("category"),
      permissions: list(q("permission")),
      without: list(q("without")),
      maxRisk: q("max_risk"),
      sort: q("sort") as SearchQuery["sort"],
      featured: q("featured") === "true",
      limit: intParam(q("limit"), "limit"),
      offset: intParam(q("offset"), "offset"),
    };
    return c.json(await searchPlugins(store, query));
  });

  app.get("/api/v1/categories", async (c) => c.json({ categories: await listCategories(store) }));

  app.get(
    "/api/v1/featured",
    async (c) => c.json(await searchPlugins(store, { featured: true, limit: 50 })),
  );

  app.get(
    "/api/v1/plugins/:id",
    async (c) => c.json(await pluginDetail(store, c.req.param("id"), c.get("principal"))),
  );

  app.get("/api/v1/plugins/:id/index", async (c) => {
    const base = deps.settings.publicUrl ?? new URL(c.req.url).origin;
    const fragment = await indexFragment(store, c.req.param("id"), base);
    const etag = `"${await digest(JSON.stringify(fragment))}"`;
    c.header("etag", etag);
    c.header("cache-control", "no-cache");
    if (c.req.header("if-none-match") === etag) return c.body(null, 304);
    return c.json(fragment);
  });

  app.get("/api/v1/plugins/:id/versions/:version/download", async (c) => {
    const { id, version } = c.req.param();
    const { path, size, sha256 } = await takeDownload(store, deps.packagesDir, id, version);
    const file = await Deno.open(path);
    return new Response(file.readable, {
      headers: {
        "content-type": "application/gzip",
        "content-length": String(size),
        "content-disposition": `attachment; filename="${id}-${version}.tgz"`,
        "x-plugd-sha256": sha256,
      },
    });
  });

  app.get("/api/v1/plugins/:id/reviews", async (c) => {
    const principal = c.get("principal");
    return c.json(
      await listReviews(store, c.req.param("id"), {
        limit: intParam(c.req.query("limit"), "limit"),
        offset: intParam(c.req.query("offset"), "offset"),
        includeHidden: principal?.kind === "admin",
      }),
    );
  });

  app.get("/api/v1/advisories", async (c) => {
    const { etag, body } = await signedFeed(store, deps.advisoryKey);
    c.header("etag", etag);
    c.header("cache-control", "no-cache");
    if (c.req.header("if-none-match") === etag) return c.body(null, 304);
    return c.json(body);
  });

  app.get("/api/v1/advisories/key", (c) =>
    c.json({
      id: deps.advisoryKey.id,
      alg: "Ed25519",
      public: deps.advisoryKey.public,
      created: deps.advisoryKey.created,
    }));

  app.post("/api/v1/installations", async (c) => c.json(await registerInstallation(store), 201));

  app.post("/api/v1/publishers", async (c) => {
    if (!deps.settings.openSignup) {
      throw new HttpError(
        403,
        "This registry does not take sign-ups; ask its admin to create your publisher",
      );
    }
    const body = await readJsonObject(c.req.raw, { hint: "{name, display_name?}" });
    const { publisher, token } = await createPublisher(store, {
      name: body.name,
      display_name: body.display_name,
    }, { status: "pending", actor: "signup" });
    return c.json({ ...publisher, token }, 201);
  });

  return app;
}

async function digest(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(bytes).slice(0, 12), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}
