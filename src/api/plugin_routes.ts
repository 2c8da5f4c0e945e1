import { type Context, Hono } from "hono";
import { JobRunner } from "../jobs/mod.ts";
import { problemOf } from "./error_handler.ts";
import type { PluginService, TenantScopeChange } from "../plugins/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import type { ApiEnv } from "./types.ts";
import { readJsonObject } from "./read_json.ts";
import { isPackageUpload, saveUpload } from "./package_upload.ts";
import { SseChannel } from "./sse_channel.ts";
import { StreamRegistry } from "./stream_registry.ts";

/** Whether the client asked for `Prefer: respond-async` (RFC 7240). */
function wantsAsync(request: Request): boolean {
  return /\brespond-async\b/i.test(request.headers.get("prefer") ?? "");
}

/** Answers 202 with the job and its Location, or runs `work` inline. */
async function maybeAsync(
  c: Context<ApiEnv>,
  jobs: JobRunner,
  kind: string,
  target: string | null,
  work: () => Promise<unknown>,
  status: 200 | 201,
): Promise<Response> {
  if (!wantsAsync(c.req.raw)) return c.json(await work(), status);
  const job = jobs.start(kind, target, async (progress) => {
    progress(`${kind} started`);
    const result = await work();
    progress(`${kind} finished`);
    return result;
  }, problemOf);
  c.header("location", `/v1/jobs/${job.id}`);
  return c.json(job, 202);
}

/** `/v1/plugins...`: the lifecycle (SPEC §6, §8). Handlers are thin: validate, call, answer. */
export function createPluginRoutes(
  plugins: PluginService,
  jobs = new JobRunner(),
  uploadDir?: string,
  streams = new StreamRegistry(),
): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const reader = requireScope("reader");
  const operator = requireScope("operator");

  app.get("/v1/plugins", reader, async (c) => c.json({ plugins: await plugins.list() }));

  /** The package source: an uploaded body (removed after use) or `{source}` in JSON. */
  const sourceOf = async (c: Context<ApiEnv>, what: string) => {
    if (isPackageUpload(c.req.raw)) {
      const path = await saveUpload(c.req.raw, uploadDir ?? await Deno.makeTempDir());
      return {
        source: path,
        allowDowngrade: c.req.query("allow_downgrade") === "true",
        done: () => Deno.remove(path).catch(() => {}),
      };
    }
    const body = await readJsonObject(c.req.raw);
    if (typeof body.source !== "string" || body.source === "") {
      throw new HttpError(
        400,
        `Body must be {"source": "<${what}>"}, or the package itself as application/gzip`,
      );
    }
    return { source: body.source, allowDowngrade: body.allow_downgrade === true, done: () => {} };
  };

  app.post("/v1/plugins", operator, async (c) => {
    const { source, allowDowngrade, done } = await sourceOf(
      c,
      "plugin folder, .tgz path, or name@range",
    );
    const work = () => plugins.install(source, c.get("actor"), { allowDowngrade }).finally(done);
    return await maybeAsync(c, jobs, "plugin.install", null, work, 201);
  });

  app.get("/v1/plugins/:id", reader, async (c) => c.json(await plugins.view(c.req.param("id"))));

  app.delete("/v1/plugins/:id", operator, async (c) => {
    const purge = c.req.query("purge") === "true";
    const force = c.req.query("force") === "true";
    await plugins.remove(c.req.param("id"), { purge, force }, c.get("actor"));
    return c.json({ id: c.req.param("id"), removed: true, purged: purge });
  });

  app.post("/v1/plugins/:id/grant", operator, async (c) => {
    const body = await readJsonObject(c.req.raw);
    if (!("permissions" in body)) {
      throw new HttpError(400, 'Body must be {"permissions": <the requested permissions object>}');
    }
    const confirmPrivileged = body.confirm_privileged === true;
    return c.json(
      await plugins.grant(c.req.param("id"), body.permissions, c.get("actor"), {
        confirmPrivileged,
      }),
    );
  });

  app.post("/v1/plugins/:id/enable", operator, async (c) => {
    const scope = tenantScope(await readJsonObject(c.req.raw, { optional: true }));
    await plugins.enable(c.req.param("id"), c.get("actor"), scope);
    return c.json(await plugins.view(c.req.param("id")));
  });

  app.post("/v1/plugins/:id/disable", operator, async (c) => {
    const body = await readJsonObject(c.req.raw, { optional: true, hint: '{"tenant": "acme"}' });
    onlyFields(body, ["tenant"], "{tenant?}");
    if (body.tenant !== undefined && typeof body.tenant !== "string") {
      throw new HttpError(400, '"tenant" must be a tenant id like "acme"');
    }
    await plugins.disable(c.req.param("id"), c.get("actor"), body.tenant);
    return c.json(await plugins.view(c.req.param("id")));
  });

  app.post("/v1/plugins/:id/restart", operator, async (c) => {
    await plugins.restart(c.req.param("id"), c.get("actor"));
    return c.json(await plugins.view(c.req.param("id")));
  });

  app.post("/v1/plugins/:id/update", operator, async (c) => {
    const { source, allowDowngrade, done } = await sourceOf(
      c,
      "plugin folder, .tgz path, or @range",
    );
    const id = c.req.param("id");
    const work = () => plugins.update(id, source, c.get("actor"), { allowDowngrade }).finally(done);
    return await maybeAsync(c, jobs, "plugin.update", id, work, 200);
  });

  app.delete("/v1/plugins/:id/update", operator, async (c) => {
    return c.json(await plugins.cancelUpdate(c.req.param("id"), c.get("actor")));
  });

  app.get("/v1/plugins/:id/config", reader, async (c) => {
    const tenant = c.req.query("tenant");
    if (tenant) return c.json(await plugins.tenants.config(c.req.param("id"), tenant));
    return c.json({ config: await plugins.getConfig(c.req.param("id")) });
  });

  app.put("/v1/plugins/:id/config", operator, async (c) => {
    const body = await readJsonObject(c.req.raw);
    const values = "config" in body ? body.config : body;
    const tenant = c.req.query("tenant");
    if (tenant) {
      const id = c.req.param("id");
      return c.json(await plugins.tenants.setConfig(id, tenant, values, c.get("actor")));
    }
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
    return followLogs(plugins, streams, c.get("actor"), id, limit, c.env?.closeConnection);
  });

  app.get("/v1/jobs", reader, (c) => c.json({ jobs: jobs.list() }));
  app.get("/v1/jobs/:id", reader, (c) => {
    const job = jobs.get(c.req.param("id"));
    if (!job) {
      throw new HttpError(
        404,
        `No job ${c.req.param("id")}; jobs are kept in memory until restart`,
      );
    }
    return c.json(job);
  });

  return app;
}

/** Refuses fields other than `known` (400 naming them and the expected shape). */
function onlyFields(body: Record<string, unknown>, known: string[], shape: string): void {
  const unknown = Object.keys(body).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new HttpError(400, `Unknown field(s) ${unknown.join(", ")}; the body is ${shape}`);
  }
}

/** `POST .../enable` body: `{tenants?: string[], all_tenants?: true}` (both absent: as before). */
function tenantScope(body: Record<string, unknown>): TenantScopeChange | undefined {
  onlyFields(body, ["tenants", "all_tenants"], "{tenants?: [ids], all_tenants?: true}");
  const { tenants, all_tenants: all } = body;
  if (tenants !== undefined) {
    if (!Array.isArray(tenants) || tenants.some((t) => typeof t !== "string")) {
      throw new HttpError(400, '"tenants" must be a list of tenant ids like ["acme"]');
    }
  }
  if (all !== undefined && typeof all !== "boolean") {
    throw new HttpError(400, '"all_tenants" must be true or false');
  }
  if (all && tenants?.length) throw new HttpError(400, 'Give "tenants" or "all_tenants", not both');
  if (!all && !tenants?.length) return undefined;
  return { tenants: tenants as string[] | undefined, allTenants: all === true };
}

/** Each log line formatted once, whatever the number of followers. */
const FORMATTED = new WeakMap<object, string>();

function formatted(line: object): string {
  let text = FORMATTED.get(line);
  if (text === undefined) {
    FORMATTED.set(line, text = SseChannel.format("log", JSON.stringify(line)));
  }
  return text;
}

/**
 * `logs?follow=true`: the tail, then new lines as server-sent events, through a bounded channel
 * (a reader that falls more than the registry's buffer behind is cut off with the reason).
 */
function followLogs(
  plugins: PluginService,
  streams: StreamRegistry,
  actor: string,
  id: string,
  limit: number,
  closeConnection?: () => void,
): Response {
  let channel: SseChannel | null = null;
  let stop = () => {};
  const release = streams.open(actor, (reason) => channel?.end(reason));
  const tail = plugins.logs.tail(id, limit).map((line) => JSON.stringify(line));
  // The newest lines of the tail that fit in half the buffer (the rest is for what follows).
  let room = streams.limits.bufferBytes / 2;
  let first = tail.length;
  while (first > 0 && (room -= tail[first - 1]!.length + 32) >= 0) first--;
  channel = new SseChannel({
    limitBytes: streams.limits.bufferBytes,
    closeConnection,
    onEnd: () => {
      stop();
      release();
    },
  });
  const live = channel;
  const send = (text: string) => {
    if (!live.sendFormatted(text)) {
      live.end(`the client fell more than ${streams.limits.bufferBytes} bytes behind; reconnect`);
    }
  };
  for (const data of tail.slice(first)) send(SseChannel.format("log", data));
  stop = plugins.logs.follow(id, (line) => send(formatted(line)));
  if (live.closed) stop();
  return live.response;
}
