/** `GET/POST /ui/install` and `POST /ui/install/upload`: install, then go to the review. */
import type { Context, Hono } from "hono";
import { join } from "node:path";
import { randomSecret } from "../_crypto.ts";
import { ApiProblem } from "../api_client.ts";
import type { ConsoleKit } from "../kit.ts";
import { type CatalogItem, type InstallData, InstallPage } from "../pages/install_page.tsx";
import type { ConsoleEnv, PluginSummary } from "../types.ts";
import { mustOperate } from "./plugin_action_routes.tsx";

/** Registers the install page. */
export function installRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  const show = async (c: Context<ConsoleEnv>, extra: Partial<InstallData> = {}, status = 200) => {
    const q = (c.req.query("q") ?? "").slice(0, 200);
    const category = (c.req.query("category") ?? "").slice(0, 100);
    const api = kit.api(c);
    const params = new URLSearchParams({ ...(q ? { q } : {}), ...(category ? { category } : {}) });
    const [catalog, list] = await Promise.all([
      api.get<{ plugins: CatalogItem[]; errors: { registry: string; message: string }[] }>(
        `/v1/catalog?${params}`,
      )
        .catch((error) => ({
          plugins: [],
          errors: [{ registry: "all", message: (error as Error).message }],
        })),
      api.get<{ plugins: PluginSummary[] }>("/v1/plugins"),
    ]);
    const installed = new Set(list.plugins.map((p) => p.id));
    const data: InstallData = { q, category, catalog, installed, ...extra };
    return await kit.render(c, <InstallPage ctx={kit.page(c)} data={data} />, status);
  };

  const install = async (c: Context<ConsoleEnv>, source: string, echo: Partial<InstallData>) => {
    try {
      const { body } = await kit.api(c).send<{ id: string; version: string }>(
        "POST",
        "/v1/plugins",
        { source },
      );
      return kit.done(c, `/ui/plugins/${body.id}#review`, {
        kind: "ok",
        text:
          `Installed ${body.id} ${body.version}. Nothing is granted yet: review its permissions below.`,
      });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const details = error.problems.map((p) => `${p.field}: ${p.message}`).join("; ");
      return await show(c, {
        ...echo,
        error: details ? `${error.message} (${details})` : error.message,
      }, error.status);
    }
  };

  app.get("/ui/install", async (c) => {
    mustOperate(c);
    return await show(c);
  });

  app.post("/ui/install", async (c) => {
    mustOperate(c);
    const form = await c.req.parseBody();
    const folder = typeof form.folder === "string" ? form.folder.trim() : "";
    if (folder) return await install(c, folder, { folder });
    const id = typeof form.id === "string" ? form.id : "";
    const version = typeof form.version === "string" ? form.version : "";
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(id) || !/^[0-9A-Za-z.+-]{1,64}$/.test(version)) {
      return await show(c, { error: "Choose a plugin and a version from the catalog" }, 400);
    }
    return await install(c, `${id}@${version}`, {});
  });

  app.post("/ui/install/upload", async (c) => {
    mustOperate(c);
    const form = await c.req.parseBody();
    const file = form.archive;
    if (!(file instanceof File) || file.size === 0) {
      return await show(c, { error: "Choose a .tgz archive to upload" }, 400);
    }
    await Deno.mkdir(kit.deps.uploadDir, { recursive: true, mode: 0o700 });
    const path = join(kit.deps.uploadDir, `console-${randomSecret(12)}.tgz`);
    await Deno.writeFile(path, new Uint8Array(await file.arrayBuffer()), { mode: 0o600 });
    try {
      return await install(c, path, {});
    } finally {
      await Deno.remove(path).catch(() => {});
    }
  });
}
