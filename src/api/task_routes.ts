/** `/v1/tasks`: hand work to the plugin that processes its type, follow it, cancel it. */
import { Hono } from "hono";
import { isEventType } from "../manifest/mod.ts";
import { TASK_STATUSES, TaskError, type TaskService, type TaskView } from "../tasks/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import { optionalEnum, optionalTime, pageLimit } from "./query_params.ts";
import { readJsonObject } from "./read_json.ts";
import type { SocketRoute } from "./socket_fast_path.ts";
import type { ApiEnv } from "./types.ts";

/** What the task routes need. */
export interface TaskRouteDeps {
  tasks: TaskService;
}

const FINAL = new Set(["succeeded", "failed", "cancelled", "dead"]);

/** `?wait=<seconds>` (0–300), or 0. */
function waitSeconds(text: string | undefined): number {
  if (text === undefined || text === "") return 0;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 300) {
    throw new HttpError(400, `wait="${text}" must be a number of seconds from 0 to 300`);
  }
  return n;
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TaskError) throw new HttpError(error.status, error.message);
    if (error instanceof RangeError) throw new HttpError(400, error.message);
    throw error;
  }
}

function checkBody(body: Record<string, unknown>): void {
  const known = ["input", "priority", "idempotency_key", "tenant"];
  const unknown = Object.keys(body).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new HttpError(
      400,
      `Unknown field(s) ${unknown.join(", ")}; a task is {${known.join(", ")}}`,
    );
  }
  const p = body.priority;
  if (p !== undefined && (!Number.isInteger(p) || (p as number) < -100 || (p as number) > 100)) {
    throw new HttpError(
      400,
      `priority must be a whole number from -100 to 100 (higher first); got ${JSON.stringify(p)}`,
    );
  }
  const key = body.idempotency_key;
  if (key !== undefined && (typeof key !== "string" || key.length < 1 || key.length > 200)) {
    throw new HttpError(400, "idempotency_key must be a string of 1 to 200 characters");
  }
  const tenant = body.tenant;
  if (tenant !== undefined && tenant !== null && typeof tenant !== "string") {
    throw new HttpError(400, "tenant must be a tenant id (a string) or null");
  }
}

/**
 * `POST /v1/tasks/{type}` (`wait`: the `?wait=` query): the task submitted, answered 202 with its
 * id (200 for a duplicate), or with `wait`, its view once final or when the wait ends. Shared by
 * the Hono route (every transport) and the socket's fast path, so both answer alike.
 */
async function postTask(
  tasks: TaskService,
  type: string,
  waitText: string | undefined,
  request: Request,
  actor: string,
): Promise<{ status: 200 | 202; body: unknown }> {
  if (!isEventType(type)) {
    throw new HttpError(
      400,
      `"${type}" is not a task type; use lowercase dotted names like image.resize`,
    );
  }
  const wait = waitSeconds(waitText);
  const body = await readJsonObject(request);
  checkBody(body);
  const { id, duplicate } = await mapped(() => tasks.submit(type, body, actor));
  if (wait === 0) return { status: duplicate ? 200 : 202, body: { id, duplicate } };
  const view: TaskView = await mapped(() => tasks.wait(id, wait));
  return { status: FINAL.has(view.status) ? 200 : 202, body: { ...view, duplicate } };
}

/**
 * `POST /v1/tasks/{type}` served by the Unix socket without Hono's middleware
 * (`socket_fast_path.ts`): the socket acts as `admin` (its actor is `socket`), so the `emitter`
 * scope always holds there, and it has no rate limit or token to track.
 */
export function taskSocketRoute(deps: TaskRouteDeps): SocketRoute {
  return {
    method: "POST",
    path: "/v1/tasks/:type",
    takes: () => true,
    answer: (request, query, type) =>
      postTask(deps.tasks, type, query.get("wait") ?? undefined, request, "socket"),
  };
}

/** The routes: submit and cancel need `emitter`, reading needs `reader`. */
export function createTaskRoutes(deps: TaskRouteDeps): Hono<ApiEnv> {
  const { tasks } = deps;
  const app = new Hono<ApiEnv>();
  const reader = requireScope("reader");
  const emitter = requireScope("emitter");

  app.post("/v1/tasks/:type", emitter, async (c) => {
    const { status, body } = await postTask(
      tasks,
      c.req.param("type"),
      c.req.query("wait"),
      c.req.raw,
      c.get("actor"),
    );
    return c.json(body, status);
  });

  app.get("/v1/tasks", reader, async (c) => {
    const q = (name: string) => c.req.query(name) || undefined;
    return c.json(
      await mapped(() =>
        tasks.list({
          scope: optionalEnum(q("scope"), "scope", ["local", "fleet"] as const),
          type: q("type"),
          status: optionalEnum(q("status"), "status", TASK_STATUSES),
          since: optionalTime(q("since"), "since"),
          until: optionalTime(q("until"), "until"),
          cursor: q("cursor"),
          limit: pageLimit(q("limit")),
        })
      ),
    );
  });

  app.get("/v1/tasks/:id", reader, async (c) => {
    const wait = waitSeconds(c.req.query("wait"));
    return c.json(await mapped(() => tasks.wait(c.req.param("id"), wait)));
  });

  app.post("/v1/tasks/:id/cancel", emitter, async (c) => {
    return c.json(await mapped(() => tasks.cancel(c.req.param("id"))));
  });

  return app;
}
