import { Hono } from "hono";
import { EVENT_LIST_STATUSES, type HookBus, HookError } from "../hooks/mod.ts";
import { isEventType, matchRoute, routeHandlerName } from "../manifest/mod.ts";
import type { PluginService } from "../plugins/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { callPluginRoute } from "./plugin_route_call.ts";
import { HttpError } from "./problem.ts";
import { emitEventBatch, isEventBatch } from "./event_batch.ts";
import { postEvent } from "./event_post.ts";
import { readJsonObject } from "./read_json.ts";
import { optionalEnum, optionalTime, pageLimit, refusalsAs400 } from "./query_params.ts";
import type { ApiEnv } from "./types.ts";

/** What the hook routes need. */
export interface HookRouteDeps {
  bus: HookBus;
  plugins: Pick<PluginService, "record" | "invoke">;
  /**
   * Takes an event with `scope: fleet` into the fleet (stored, then published to every host).
   * @default none: a single host delivers such events locally, as any other
   */
  fleetEmit?: ((event: Record<string, unknown>) => Promise<{ id: string }>) | null;
}

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * `/v1/events`, `/v1/filters/{name}`, `/v1/gates/{name}[/policy]` and the plugins' own routes
 * `/v1/plugins/{id}/routes/{path}` (SPEC §7, §8). See docs/hooks.md.
 */
export function createHookRoutes(deps: HookRouteDeps): Hono<ApiEnv> {
  const { bus, plugins } = deps;
  const app = new Hono<ApiEnv>();
  const emitter = requireScope("emitter");
  const reader = requireScope("reader");
  const operator = requireScope("operator");

  app.post("/v1/events", emitter, async (c) => {
    if (isEventBatch(c.req.header("content-type"))) {
      return await emitEventBatch(c, bus, deps.fleetEmit != null);
    }
    const answer = await postEvent(c.req.raw, deps, c.req.query("wait") === "true");
    return c.json(answer.body, answer.status);
  });

  app.get("/v1/events", reader, async (c) => {
    const q = (name: string) => c.req.query(name) || undefined;
    const type = q("type");
    if (type !== undefined && !isEventType(type.replace(/\*$/, "x"))) {
      throw new HttpError(
        400,
        `type="${type}" is not an event type (lowercase dotted, may end in *)`,
      );
    }
    return c.json(
      await refusalsAs400(() =>
        bus.listEvents({
          type,
          status: optionalEnum(q("status"), "status", EVENT_LIST_STATUSES),
          plugin: q("plugin"),
          since: optionalTime(q("since"), "since"),
          until: optionalTime(q("until"), "until"),
          cursor: q("cursor"),
          limit: pageLimit(q("limit")),
        })
      ),
    );
  });

  app.post("/v1/events/:id/redeliver", operator, async (c) => {
    const body = await readJsonObject(c.req.raw);
    if (typeof body.plugin !== "string" || body.plugin === "") {
      throw new HttpError(400, 'Body must be {"plugin": "<plugin id>"}: the plugin to deliver to');
    }
    await plugins.record(body.plugin); // 404 for unknown plugins
    try {
      return c.json(await bus.redeliver(c.req.param("id"), body.plugin, c.get("actor")), 202);
    } catch (error) {
      if (error instanceof HookError) throw new HttpError(error.status, error.message);
      throw error;
    }
  });

  app.get("/v1/events/:id", reader, async (c) => {
    const view = await bus.getEvent(c.req.param("id"));
    if (!view) throw new HttpError(404, `No event with id "${c.req.param("id")}"`);
    return c.json(view);
  });

  app.post("/v1/filters/:name", emitter, async (c) => {
    const name = hookName(c.req.param("name"));
    const body = await readJsonObject(c.req.raw);
    if (!("data" in body)) throw new HttpError(400, 'Body must be {"data": <JSON to filter>}');
    return c.json(await bus.filter(name, body.data, body.tenant));
  });

  app.post("/v1/gates/:name", emitter, async (c) => {
    const name = hookName(c.req.param("name"));
    const body = await readJsonObject(c.req.raw);
    if (!("data" in body)) {
      throw new HttpError(400, 'Body must be {"data": <JSON the gate judges>}');
    }
    return c.json(await bus.gate(name, body.data, body.tenant));
  });

  app.get("/v1/gates/:name/policy", reader, (c) => {
    return c.json(bus.policies.get(hookName(c.req.param("name"))));
  });

  app.put("/v1/gates/:name/policy", operator, async (c) => {
    const name = hookName(c.req.param("name"));
    const body = await readJsonObject(c.req.raw);
    if (typeof body.fail_open !== "boolean") {
      throw new HttpError(400, 'Body must be {"fail_open": true|false}');
    }
    return c.json(await bus.setGatePolicy(name, body.fail_open, c.get("actor")));
  });

  app.all("/v1/plugins/:id/routes/*", async (c, next) => {
    const scope = READ_METHODS.has(c.req.method) ? reader : operator;
    return await scope(c, next);
  }, async (c) => {
    const id = c.req.param("id");
    const record = await plugins.record(id);
    if (record.state !== "enabled") {
      throw new HttpError(
        503,
        `Plugin "${id}" is ${record.state}; enable it with "plugd plugin enable ${id}"`,
      );
    }
    const pathname = new URL(c.req.url).pathname;
    const marker = `/routes`;
    const path = pathname.slice(pathname.indexOf(marker, "/v1/plugins/".length) + marker.length) ||
      "/";
    const token = record.manifest.routes.filter((r) => r.auth !== "none");
    const match = matchRoute(token, c.req.method, path);
    if (!match) {
      const open = matchRoute(record.manifest.routes, c.req.method, path);
      throw new HttpError(
        404,
        open
          ? `${routeHandlerName(open.route)} of plugin "${id}" is public: it is served at ` +
            `/hooks/${id}${path}, not under /v1`
          : `Plugin "${id}" declares no route ${c.req.method} ${path} (declared: ${
            token.map(routeHandlerName).join(", ") || "none"
          })`,
      );
    }
    return await callPluginRoute(plugins, record, match, c.req.raw, path);
  });

  return app;
}

function hookName(name: string): string {
  if (!isEventType(name)) {
    throw new HttpError(
      400,
      `"${name}" is not a hook name; use lowercase dotted segments like notification.format`,
    );
  }
  return name;
}
