/**
 * log-hub: collects logs from granted files, `log.line` events and an NDJSON route; parses them
 * with configurable rules; stores them with a full-text index; searches, counts, watches the
 * error rate and forwards to an Elasticsearch-compatible `_bulk` endpoint. See README.md.
 */
import { definePlugin } from "@plugd/sdk";
import { checkAnomaly } from "./lib/analytics.ts";
import { commands } from "./lib/commands.ts";
import { hubOf, settings } from "./lib/hub.ts";
import { parseEventData } from "./lib/ingest.ts";
import { trim } from "./lib/retention.ts";
import { ingestRoute, searchRoute, statsRoute, tailRoute } from "./lib/routes.ts";

export default definePlugin({
  actions: {
    "log.line": async (event, ctx) => {
      const hub = hubOf(ctx);
      const records = parseEventData(
        event.data,
        settings(ctx).event_parser,
        hub.rules(),
        event.source,
        Date.now(),
      );
      await hub.writer.add(records);
      ctx.metrics.count("lines.event", records.length);
      return { stored: records.length };
    },
  },
  routes: {
    "POST /ingest": ingestRoute,
    "GET /search": searchRoute,
    "GET /tail": tailRoute,
    "GET /stats": statsRoute,
    "GET /sources": (_req, ctx) =>
      Response.json({ files: settings(ctx).files, open: hubOf(ctx).tailer.states() }),
  },
  cron: {
    retention: async (ctx) => {
      const r = await trim(ctx.db, settings(ctx).retention, Date.now());
      if (r.by_age + r.by_size > 0) ctx.log.info("retention trimmed lines", { ...r });
    },
    analyze: async (ctx) => {
      await checkAnomaly(ctx.db, settings(ctx).anomaly, Date.now(), async (data) => {
        ctx.log.warn(`error rate anomaly: ${data.errors} errors in the last minute`, { ...data });
        await ctx.emit("logs.anomaly", data);
      });
    },
    forward: (ctx) => {
      if (settings(ctx).forward.url) hubOf(ctx).kickForward();
    },
  },
  commands,
  onEnable: (ctx) => {
    hubOf(ctx).startTailing();
  },
  health: (ctx) => {
    const hub = hubOf(ctx);
    return hub.forwardError
      ? { status: "degraded", forwarding: hub.forwardError }
      : { status: "healthy", files: hub.tailer.states().length, stored: hub.writer.stored };
  },
});
