import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { createToken, fetchAs } from "./_helpers.ts";

Deno.test("GET /metrics exposes daemon series in the Prometheus text format (reader scope)", async () => {
  await using daemon = await startDaemon();
  await (await daemon.fetch("/v1/tokens")).body?.cancel();
  await (await daemon.fetch("/v1/nowhere")).body?.cancel();
  const reader = await createToken(daemon, "reader");
  const res = await fetchAs(daemon, reader.token, "/metrics");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(
    text,
    /# TYPE plugd_build_info gauge\nplugd_build_info\{version="\d+\.\d+\.\d+"\} 1\n/,
  );
  assert.match(text, /\nplugd_uptime_seconds \d/);
  assert.match(
    text,
    /plugd_http_requests_total\{method="GET",route="\/v1\/tokens",status="200"\} 1\n/,
  );
  assert.match(
    text,
    /plugd_http_requests_total\{method="GET",route="unmatched",status="404"\} 1\n/,
  );
  assert.match(
    text,
    /plugd_http_request_duration_seconds_bucket\{method="GET",route="\/v1\/tokens",le="\+Inf"\} 1\n/,
  );
  const emitter = await createToken(daemon, "emitter");
  const denied = await fetchAs(daemon, emitter.token, "/metrics");
  assert.equal(denied.status, 403);
  await denied.body?.cancel();
});
