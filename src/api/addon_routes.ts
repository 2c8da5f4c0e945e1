/**
 * System-addon operations over HTTP: `POST /v1/plugins/{id}/operations/{op}` answers 202 with a
 * job at once (the operation's record is stored first); execution records and a live stream of
 * one execution's output and progress.
 */
import { Hono } from "hono";
import { AddonOperationError, type AddonService, type LiveExecution } from "../addons/mod.ts";
import type { JobRunner } from "../jobs/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { problemOf } from "./error_handler.ts";
import { HttpError } from "./problem.ts";
import { readJsonObject } from "./read_json.ts";
import { SseChannel } from "./sse_channel.ts";
import { StreamRegistry } from "./stream_registry.ts";
import type { ApiEnv } from "./types.ts";

/** The routes; `jobs` is the daemon's one job runner (`GET /v1/jobs/{id}`). */
export function createAddonRoutes(
  addons: AddonService,
  jobs: JobRunner,
  streams: StreamRegistry = new StreamRegistry(),
): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const reader = requireScope("reader");
  const operator = requireScope("operator");

  app.post("/v1/plugins/:id/operations/:op", operator, async (c) => {
    const id = c.req.param("id");
    const op = c.req.param("op");
    const body = await readJsonObject(c.req.raw, {
      optional: true,
      hint: '{"args": ["..."]} or nothing',
    });
    const { record, live } = await addons.start(id, op, body.args, c.get("actor"));
    const job = jobs.start("plugin.operation", id, async (progress) => {
      progress(`${op} started (execution ${record.id})`);
      live.follow((e) => {
        if (e.type === "progress") progress(`${Math.round(e.percent)}% ${e.message}`);
      });
      const final = await live.done;
      progress(`${op} ${final.status} in ${final.duration_ms ?? 0} ms`);
      if (final.status !== "succeeded") {
        throw new AddonOperationError(
          `${op} of "${id}" ${final.status}: ${final.error}`,
          final.status,
          final.id,
        );
      }
      return final;
    }, problemOf);
    c.header("location", `/v1/jobs/${job.id}`);
    return c.json({ ...job, execution: record }, 202);
  });

  app.get("/v1/plugins/:id/executions", reader, async (c) => {
    const kind = c.req.query("kind");
    if (kind !== undefined && kind !== "operation" && kind !== "check") {
      throw new HttpError(400, 'kind must be "operation" or "check"');
    }
    const limit = c.req.query("limit") === undefined ? undefined : Number(c.req.query("limit"));
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw new HttpError(400, "limit must be a whole number above 0 (at most 500)");
    }
    const executions = await addons.executions(c.req.param("id"), {
      kind,
      status: c.req.query("status"),
      limit,
    });
    return c.json({ executions });
  });

  app.get("/v1/plugins/:id/executions/:execution", reader, async (c) => {
    const id = c.req.param("id");
    const execution = c.req.param("execution");
    const record = await addons.execution(id, execution);
    if (c.req.query("follow") !== "true") return c.json(record);
    const live = addons.live(execution);
    if (!live) {
      const channel = new SseChannel();
      channel.send("done", JSON.stringify(record));
      endWhenSent(channel, "the execution had ended");
      return channel.response;
    }
    return followExecution(live, streams, c.get("actor"), c.env?.closeConnection);
  });

  return app;
}

/** Ends `channel` once everything queued went out (an end drops what is still queued). */
function endWhenSent(channel: SseChannel, reason: string): void {
  const timer = setInterval(() => {
    if (channel.closed || channel.queuedBytes === 0) {
      clearInterval(timer);
      channel.end(reason);
    }
  }, 20);
}

/**
 * `executions/{id}?follow=true`: what the execution printed so far, then its output and progress
 * as they come, and `done` with the final record, through a bounded channel (a reader that falls
 * more than the registry's buffer behind is cut off with the reason).
 */
function followExecution(
  live: LiveExecution,
  streams: StreamRegistry,
  actor: string,
  closeConnection?: () => void,
): Response {
  let channel: SseChannel | null = null;
  let stop = () => {};
  const release = streams.open(actor, (reason) => channel?.end(reason));
  channel = new SseChannel({
    limitBytes: streams.limits.bufferBytes,
    closeConnection,
    onEnd: () => {
      stop();
      release();
    },
  });
  const ch = channel;
  stop = live.follow((e) => {
    const sent = e.type === "end"
      ? ch.send("done", JSON.stringify(e.record))
      : ch.send(e.type, JSON.stringify(e));
    if (!sent) ch.end(`the client fell more than ${streams.limits.bufferBytes} bytes behind`);
    else if (e.type === "end") endWhenSent(ch, "the execution ended");
  });
  if (ch.closed) stop();
  return ch.response;
}
