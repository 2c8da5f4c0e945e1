/**
 * Changes to one plugin: grant (exactly what was reviewed), enable, disable, restart, config,
 * update (and cancelling a waiting one), remove. Each is an API call as the session; a refusal comes back as a message on the
 * page it was made from (or the form again, with the problems next to their fields).
 */
import type { Context, Hono } from "hono";
import { ApiProblem } from "../api_client.ts";
import { parseConfigForm } from "../config_form.ts";
import type { ConsoleKit } from "../kit.ts";
import { PluginConfigPage } from "../pages/plugin_config_page.tsx";
import { PluginRemovePage } from "../pages/plugin_remove_page.tsx";
import { PluginUpdatePage } from "../pages/plugin_update_page.tsx";
import { ConsoleError } from "../session_middleware.ts";
import type { ConsoleEnv } from "../types.ts";
import { loadView, PLUGIN_ID } from "./plugin_routes.tsx";
import { requestToGrant } from "../ui/plugin_header.tsx";

/** 403 unless the session may operate (the API would refuse too; this refuses first). */
export function mustOperate(c: Context<ConsoleEnv>): void {
  if (!c.get("can").operate) {
    throw new ConsoleError(
      403,
      `This needs a token with scope "operator"; this session's is "${c.get("session").scope}"`,
    );
  }
}

async function form(c: Context<ConsoleEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(
    Object.entries(body).filter(([, v]) => typeof v === "string"),
  ) as Record<string, string>;
}

/** Registers the plugin actions. */
export function pluginActionRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  const base = `/ui/plugins/:id{${PLUGIN_ID}}`;
  const page = (c: Context<ConsoleEnv>) => `/ui/plugins/${c.req.param("id")}`;

  app.post(`${base}/grant`, async (c) => {
    mustOperate(c);
    const view = await loadView(kit, c);
    const fields = await form(c);
    const reviewed = fields.reviewed ?? "";
    const requested = requestToGrant(view);
    if (reviewed !== JSON.stringify(requested)) {
      return kit.done(c, `${page(c)}#review`, {
        kind: "error",
        text: "The requested permissions changed since this page was shown; review them again",
      });
    }
    try {
      await kit.api(c).send("POST", `/v1/plugins/${view.id}/grant`, {
        permissions: requested,
        // A separate box of its own (never implied by the grant button).
        ...(fields.confirm_privileged === "yes" ? { confirm_privileged: true } : {}),
      });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return kit.done(c, page(c), { kind: "error", text: error.message });
    }
    return kit.done(c, page(c), {
      kind: "ok",
      text: `Granted ${view.id} exactly the permissions reviewed` +
        (view.pending_update ? `; switched to version ${view.pending_update.to}` : ""),
    });
  });

  for (const action of ["enable", "disable", "restart"] as const) {
    app.post(`${base}/${action}`, async (c) => {
      mustOperate(c);
      const id = c.req.param("id");
      try {
        await kit.api(c).send("POST", `/v1/plugins/${id}/${action}`);
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        return kit.done(c, page(c), { kind: "error", text: error.message });
      }
      const done = { enable: "enabled", disable: "disabled", restart: "restarted" }[action];
      return kit.done(c, page(c), { kind: "ok", text: `${id} ${done}` });
    });
  }

  app.post(`${base}/config`, async (c) => {
    mustOperate(c);
    const view = await loadView(kit, c);
    const parsed = parseConfigForm(view.manifest.config, await c.req.parseBody());
    const again = async (
      problems: { field: string; message: string }[],
      error: string,
      status: number,
    ) => {
      const { config } = await kit.api(c).get<{ config: Record<string, unknown> }>(
        `/v1/plugins/${view.id}/config`,
      );
      const data = { view, values: config, echo: parsed.echo, problems, error };
      return await kit.render(c, <PluginConfigPage ctx={kit.page(c)} data={data} />, status);
    };
    if (parsed.problems.length > 0) {
      return await again(parsed.problems, "Some settings are not valid", 400);
    }
    try {
      await kit.api(c).send("PUT", `/v1/plugins/${view.id}/config`, { config: parsed.values });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return await again(error.problems, error.message, error.status);
    }
    return kit.done(c, `${page(c)}/config`, {
      kind: "ok",
      text: "Settings saved; the plugin restarted with them",
    });
  });

  app.get(`${base}/update`, async (c) => {
    mustOperate(c);
    return await kit.render(
      c,
      <PluginUpdatePage ctx={kit.page(c)} view={await loadView(kit, c)} />,
    );
  });

  app.post(`${base}/update`, async (c) => {
    mustOperate(c);
    const fields = await form(c);
    const source = (fields.source ?? "").trim();
    let answer: Record<string, unknown>;
    try {
      if (!source) throw new ApiProblem(400, { detail: "Say where the new version comes from" });
      answer = (await kit.api(c).send("POST", `/v1/plugins/${c.req.param("id")}/update`, {
        source,
        allow_downgrade: fields.allow_downgrade === "on",
      })).body;
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const view = await loadView(kit, c);
      return await kit.render(
        c,
        <PluginUpdatePage ctx={kit.page(c)} view={view} source={source} error={error.message} />,
        error.status,
      );
    }
    const next = answer.pending_update as { to?: string } | null | undefined;
    const version = String(next?.to ?? answer.version ?? "");
    if (answer.awaiting_grant) {
      return kit.done(c, `${page(c)}#review`, {
        kind: "error",
        text: `Version ${version} asks for more permissions: review the difference and approve it`,
      });
    }
    return kit.done(c, page(c), { kind: "ok", text: `Updated to version ${version}` });
  });

  // A waiting update is withdrawn only if it is still the one the page showed.
  app.post(`${base}/update/cancel`, async (c) => {
    mustOperate(c);
    const view = await loadView(kit, c);
    const shown = (await form(c)).to ?? "";
    if (!view.pending_update || view.pending_update.to !== shown) {
      return kit.done(c, `${page(c)}#review`, {
        kind: "error",
        text: view.pending_update
          ? `The waiting update is now version ${view.pending_update.to}; review it again`
          : `${view.id} has no update waiting any more`,
      });
    }
    try {
      await kit.api(c).send("DELETE", `/v1/plugins/${view.id}/update`);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return kit.done(c, page(c), { kind: "error", text: error.message });
    }
    return kit.done(c, page(c), {
      kind: "ok",
      text: `Withdrew the update of ${view.id} to ${shown}; ${view.version} keeps running`,
    });
  });

  app.get(`${base}/remove`, async (c) => {
    mustOperate(c);
    const view = await loadView(kit, c);
    const purge = c.req.query("purge") === "1";
    return await kit.render(c, <PluginRemovePage ctx={kit.page(c)} view={view} purge={purge} />);
  });

  app.post(`${base}/remove`, async (c) => {
    mustOperate(c);
    const id = c.req.param("id");
    const fields = await form(c);
    const purge = fields.purge === "true";
    if (purge && fields.confirm !== id) {
      const view = await loadView(kit, c);
      const error = `Type "${id}" exactly to delete its data`;
      return await kit.render(
        c,
        <PluginRemovePage ctx={kit.page(c)} view={view} purge error={error} />,
        400,
      );
    }
    try {
      await kit.api(c).send("DELETE", `/v1/plugins/${id}${purge ? "?purge=true" : ""}`);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return kit.done(c, page(c), { kind: "error", text: error.message });
    }
    return kit.done(c, "/ui/plugins", {
      kind: "ok",
      text: `Removed ${id}${purge ? " and its data" : ""}`,
    });
  });
}
