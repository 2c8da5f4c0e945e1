/**
 * OpenTelemetry: with OTEL_EXPORTER_OTLP_ENDPOINT (and OTEL_DENO=true, which the daemon adds
 * itself when it is unset), one event's trace reaches a local OTLP/HTTP receiver as a tree: the
 * HTTP request → plugd.event.intake → plugd.event.dispatch → plugd.plugin.invoke (child) and
 * plugd.event.result. Off by default.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const COUNTER = new URL("../fixtures/lifecycle/counter-v1/", import.meta.url).pathname;

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** A local OTLP/HTTP (JSON) receiver that keeps every span it is sent. */
function otlpReceiver() {
  const spans: OtlpSpan[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.json().catch(() => ({}));
    if (new URL(req.url).pathname === "/v1/traces") {
      for (const rs of body.resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) spans.push(...ss.spans);
      }
    }
    return Response.json({});
  });
  return { spans, url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

function attr(span: OtlpSpan, key: string): unknown {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
}

async function install(d: Awaited<ReturnType<typeof startDaemon>>) {
  for (
    const [method, path, body] of [
      ["POST", "/v1/plugins", { source: COUNTER }],
      ["POST", "/v1/plugins/counter/grant", { permissions: { write: ["$DATA"] } }],
      ["POST", "/v1/plugins/counter/enable", undefined],
    ] as const
  ) {
    const r = await d.fetchSocket(path, {
      method,
      headers: { "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    assert.ok(r.ok, `${path}: ${text}`);
  }
}

Deno.test(
  "one event's span tree: request → intake → dispatch → plugin invocation → result",
  OPTS,
  async () => {
    const receiver = otlpReceiver();
    await using d = await startDaemon({
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_SERVICE_NAME: "plugd",
        OTEL_DENO_CONSOLE: "ignore",
      },
    });
    try {
      assert.match(d.log(), new RegExp(`tracing on: OTLP http/json to ${receiver.url}`));
      await install(d);
      // The caller's own trace: W3C traceparent on the request.
      const traceId = crypto.randomUUID().replaceAll("-", "");
      const res = await d.fetch("/v1/events?wait=true", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          traceparent: `00-${traceId}-${"ab".repeat(8)}-01`,
        },
        body: JSON.stringify({
          specversion: "1.0",
          id: crypto.randomUUID(),
          source: "/test",
          type: "count.hit",
          data: {},
        }),
      });
      assert.equal((await res.json()).results[0].status, "ok");
      const names = [
        "plugd.event.intake",
        "plugd.event.dispatch",
        "plugd.plugin.invoke",
        "plugd.event.result",
      ];
      const trace = await waitFor(() => {
        const mine = receiver.spans.filter((s) => s.traceId === traceId);
        return names.every((n) => mine.some((s) => s.name === n)) ? mine : null;
      }, "the event's spans at the receiver");
      const one = (name: string) => trace.find((s) => s.name === name)!;
      const server = trace.find((s) => s.parentSpanId === "ab".repeat(8))!;
      assert.ok(server, "Deno's HTTP server span continues the caller's trace");
      assert.equal(one("plugd.event.intake").parentSpanId, server.spanId);
      assert.equal(one("plugd.event.dispatch").parentSpanId, one("plugd.event.intake").spanId);
      const invoke = one("plugd.plugin.invoke");
      assert.equal(
        invoke.parentSpanId,
        one("plugd.event.dispatch").spanId,
        "invocation is a child",
      );
      assert.equal(attr(invoke, "plugd.plugin"), "counter");
      assert.equal(attr(invoke, "plugd.call.kind"), "action");
      assert.equal(attr(invoke, "plugd.call.name"), "count.hit");
      const result = one("plugd.event.result");
      assert.equal(result.parentSpanId, one("plugd.event.dispatch").spanId);
      assert.equal(attr(result, "plugd.delivery.status"), "ok");
      assert.equal(attr(one("plugd.event.intake"), "cloudevents.event_type"), "count.hit");
    } finally {
      await d.stop();
      await receiver.close();
    }
  },
);

Deno.test(
  "OTEL_EXPORTER_OTLP_ENDPOINT alone switches tracing on: the same process restarts with OTEL_DENO=true",
  OPTS,
  async () => {
    const receiver = otlpReceiver();
    await using d = await startDaemon({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
    });
    try {
      assert.match(d.log(), new RegExp(`tracing on: OTLP http/json to ${receiver.url}`));
      assert.equal(d.log().match(/ starting \(state /g)?.length, 1, "one start, after the exec");
      // The pid the test started now runs with OTEL_DENO=true (execve kept the process).
      const environ = await Deno.readTextFile(`/proc/${d.process.pid}/environ`);
      assert.ok(environ.split("\0").includes("OTEL_DENO=true"), "OTEL_DENO=true in the new image");
      await install(d);
      const r = await d.fetch("/v1/events?wait=true", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ specversion: "1.0", id: "e1", source: "/t", type: "count.hit" }),
      });
      assert.equal((await r.json()).results[0].status, "ok");
      await waitFor(
        () => receiver.spans.some((s) => s.name === "plugd.plugin.invoke"),
        "a plugin invocation span at the receiver",
      );
    } finally {
      await d.stop();
      await receiver.close();
    }
  },
);

Deno.test(
  "tracing is off by default, and OTEL_DENO=false keeps it off although an endpoint is set",
  OPTS,
  async () => {
    const receiver = otlpReceiver();
    await using plain = await startDaemon();
    try {
      assert.match(plain.log(), /tracing off \(set OTEL_EXPORTER_OTLP_ENDPOINT to export traces\)/);
    } finally {
      await plain.stop();
    }
    await using d = await startDaemon({
      env: { OTEL_DENO: "false", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });
    try {
      assert.match(d.log(), /tracing off: OTEL_DENO=false although OTEL_EXPORTER_OTLP_ENDPOINT/);
      await install(d);
      const r = await d.fetch("/v1/events?wait=true", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ specversion: "1.0", id: "e1", source: "/t", type: "count.hit" }),
      });
      await r.body?.cancel();
      await new Promise((r) => setTimeout(r, 500)); // nothing may arrive; give it the chance
      assert.equal(receiver.spans.length, 0);
    } finally {
      await d.stop();
      await receiver.close();
    }
  },
);
