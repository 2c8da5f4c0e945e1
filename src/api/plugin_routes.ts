import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { PluginService } from "../plugins/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import type { ApiEnv } from "./types.ts";
import { readJsonObject } from "./read_json.ts";

/** `/v1/plugins...`: the lifecycle (SPEC §6, §8). Handlers are thin: validate, call, answer. */
export function createPluginRoutes(plugins: PluginService): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const reader = requireScope("reader");
  const operator = requireScope("operator");

  app.get("/v1/plugins", reader, async (c) => c.json({ plugins: await plugins.list() }));

  app.post("/v1/plugins", operator, async (c) => {
    const body = await readJsonObject(c.req.raw);
    if (typeof body.source !== "string" || body.source === "") {
      throw new HttpError(
        400,
        'Body must be {"source": "<plugin folder, .tgz path, or name@range>"}',
      );
    }
    const result = await plugins.install(body.source, c.get("actor"), {
      allowDowngrade: body.allow_downgrade === true,
    });
    return c.json(result, 201);
  });

  app.get("/v1/plugins/:id", reader, async (c) => c.json(await plugins.view(c.req.param("id"))));

  app.delete("/v1/plugins/:id", operator, async (c) => {
    const purge = c.req.query("purge") === "true";
    await plugins.remove(c.req.param("id"), { purge }, c.get("actor"));
    return c.json({ id: c.req.param("id"), removed: true, purged: purge });
  });

  app.post("/v1/plugins/:id/grant", operator, async (c) => {
    const body = await readJsonObject(c.req.raw);
    if (!("permissions" in body)) {
      throw new HttpError(400, 'Body must be {"permissions": <the requested permissions object>}');
    }
    return c.json(await plugins.grant(c.req.param("id"), body.permissions, c.get("actor")));
  });

  for (const action of ["enable", "disable", "restart"] as const) {
    app.post(`/v1/plugins/:id/${action}`, operator, async (c) => {
      await plugins[action](c.req.param("id"), c.get("actor"));
      return c.json(await plugins.view(c.req.param("id")));
    });
  }

  app.post("/v1/plugins/:id/update", operator, async (c) => {
    const body = await readJsonObject(c.req.raw);
    if (typeof body.source !== "string" || body.source === "") {
      throw new HttpError(400, 'Body must be {"source": "<plugin folder, .tgz path, or @range>"}');
    }
    return c.json(
      await plugins.update(c.req.param("id"), body.source, c.get("actor"), {
        allowDowngrade: body.allow_downgrade === true,
      }),
    );
  });

  app.get(
    "/v1/plugins/:id/config",
    reader,
    async (c) => c.json({ config: await plugins.getConfig(c.req.param("id")) }),
  );

  app.put("/v1/plugins/:id/config", operator, async (c) => {
    const body = await readJsonObject(c.req.raw);
    const values = "config" in body ? body.config : body;
    return c.json({ config: await plugins.setConfig(c.req.param("id"), values, c.get("actor")) });
  });

  app.get(
    "/v1/plugins/:id/flags",
    reader,
    async (c) => c.json(await plugins.flags(c.req.param("id"))),
  );

  app.get("/v1/plugins/:id/logs", reader, async (c) => {
    const id = c.req.param("id");
    await plugins.record(id); // 404 for unknown plugins
    const limit = Math.min(Number(c.req.query("limit") ?? 200) || 200, 5000);
    if (c.req.query("follow") !== "true") return c.json({ lines: plugins.logs.tail(id, limit) });
    return streamSSE(c, async (stream) => {
      for (const line of plugins.logs.tail(id, limit)) {
        await stream.writeSSE({ event: "log", data: JSON.stringify(line) });
      }
      const done = Promise.withResolvers<void>();
      const stop = plugins.logs.follow(id, (line) => {
        stream.writeSSE({ event: "log", data: JSON.stringify(line) }).catch(() => done.resolve());
      });
      stream.onAbort(() => done.resolve());
      const keepAlive = setInterval(() => {
        stream.writeSSE({ event: "ping", data: "{}" }).catch(() => done.resolve());
      }, 15_000);
      await done.promise;
      clearInterval(keepAlive);
      stop();
    });
  });

  return app;
}
