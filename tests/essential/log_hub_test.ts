/**
 * log-hub as an operator runs it: the real daemon, the plugin installed from its folder, granted
 * and enabled under the real sandbox, fed by a real log file (with a rotation), the public NDJSON
 * route over TCP and log.line events; searched with the real `plugd log-hub` CLI; forwarding to a
 * stand-in `_bulk` receiver; the anomaly rule emitting logs.anomaly; a restart resuming the file
 * where the last stored line ended.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { installAndEnable, OPTS, socketJson, waitFor } from "../surfaces/_surfaces.ts";
import { logFolder, logHubCopy, startBulkReceiver, writeLog } from "./_log_hub.ts";

const TOKEN = "ingest-token-for-the-test-0001";
const WAIT = 90_000; // a safety net on a loaded machine, never a timing assertion

function clf(path: string, status: number): string {
  const d = new Date();
  const mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  const date = `${p(d.getUTCDate())}/${mon[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  return `192.0.2.7 - - [${date}] "GET ${path} HTTP/1.1" ${status} 100 "-" "probe/1"\n`;
}

Deno.test(
  "log-hub under the real daemon: collect, search, forward, alert, resume",
  OPTS,
  async () => {
    const logs = await logFolder();
    const es = startBulkReceiver();
    const pkg = await logHubCopy(logs, `127.0.0.1:${es.port}`);
    const access = `${logs}/access.log`;
    try {
      await writeLog(
        access,
        clf("/api/users", 502) + clf("/api/users", 200) + clf("/home", 500),
        false,
      );
      await using daemon = await startDaemon();
      const env = { PLUGD_SOCKET: daemon.socketPath };
      const view = await installAndEnable(daemon, pkg, {
        ingest_token: TOKEN,
        files: [{ path: `${logs}/*.log`, parser: "clf" }],
        poll_ms: 200,
        forward: { url: es.url, index: "test-logs", batch: 50 },
        anomaly: { min_errors: 5, factor: 3 },
      });
      assert.deepEqual(view.permissions.requested.public, ["POST /ingest"]);

      const search = async (...args: string[]) =>
        await runPlugd(["log-hub", "search", ...args], env);
      const count = async (...args: string[]) => {
        const r = await search(...args, "--format", "ndjson", "--limit", "200");
        return r.stdout.split("\n").filter(Boolean).length;
      };

      // 1. The file: lines appear, parsed as access-log lines.
      await waitFor(async () => (await count("source:file*")) === 3, "the file's lines", WAIT);

      // 2. The public NDJSON route, over TCP without a plugd token; the ingest token is checked.
      const ingest = `${daemon.baseUrl}/hooks/log-hub/ingest`;
      const ndjson = [
        { level: "error", msg: "upstream timed out", path: "/api/orders", status: 504 },
        { level: "info", msg: "order created", path: "/api/orders", status: 201 },
      ].map((o) => JSON.stringify(o)).join("\n");
      const refused = await fetch(ingest, { method: "POST", body: ndjson });
      assert.equal(refused.status, 401);
      await refused.body?.cancel();
      const accepted = await fetch(ingest, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/x-ndjson" },
        body: ndjson,
      });
      assert.equal(accepted.status, 200);
      assert.equal((await accepted.json()).accepted, 2);

      // 3. log.line events from another service, batched.
      const emitted = await socketJson(daemon, "POST", "/v1/events?wait=true", {
        specversion: "1.0",
        source: "/deployer",
        type: "log.line",
        data: {
          service: "deployer",
          lines: ["deploy web started", "ERROR deploy web failed: disk full"],
        },
      });
      assert.equal(emitted.status, 200, JSON.stringify(emitted.body));
      assert.deepEqual(emitted.body.results[0].result, { stored: 2 });

      // 4. The CLI search of the issue, and a regex filter.
      const found = await search("status:5* AND path:/api", "--since", "1h");
      assert.equal(found.code, 0, found.stderr);
      const lines = found.stdout.trim().split("\n");
      assert.equal(lines.at(-1), "2 lines");
      assert.match(
        lines[0]!,
        /ERROR file:.*access\.log {2}192\.0\.2\.7 .*"GET \/api\/users HTTP\/1\.1" 502/,
      );
      assert.match(
        lines[1]!,
        /ERROR http {2}upstream timed out {2}\[status=504 path=\/api\/orders\]/,
      );
      const deploy = await search("deploy", "service:deployer", "msg~fail(ed|ure)");
      assert.match(
        deploy.stdout,
        /ERROR event:\/deployer {2}ERROR deploy web failed: disk full\n1 line\n/,
      );
      const bad = await search("status:5* AND (path:/api");
      assert.equal(bad.code, 2);
      assert.match(bad.stdout, /a parenthesis is not closed/);

      // 5. Forwarding: every stored line reached the stand-in, in the _bulk format, once each.
      await waitFor(() => es.docs.length >= 7, "7 documents at the _bulk receiver", WAIT);
      assert.deepEqual(es.problems, []);
      assert.equal(new Set(es.docs.map((d) => d.id)).size, es.docs.length, "no document twice");
      const timedOut = es.docs.find((d) => d.doc.message === "upstream timed out");
      assert.equal(timedOut?.index, "test-logs");
      assert.deepEqual([timedOut?.doc.level, timedOut?.doc.status], ["error", 504]);

      // 6. Analytics and the anomaly rule: a burst of errors emits logs.anomaly.
      const stats = await runPlugd(["log-hub", "stats", "--since", "1h", "--format", "json"], env);
      const s = JSON.parse(stats.stdout);
      assert.equal(s.total, 7);
      assert.equal(s.status["5xx"], 3);
      assert.deepEqual(s.top_paths[0], { path: "/api/orders", count: 2 });
      const burst = Array.from(
        { length: 8 },
        () => JSON.stringify({ level: "error", msg: "db down" }),
      );
      const sent = await fetch(ingest, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
        body: burst.join("\n"),
      });
      assert.equal((await sent.json()).accepted, 8);
      const analyze = await runPlugd(["log-hub", "analyze"], env);
      assert.match(analyze.stdout, /anomaly from 5: YES \(logs\.anomaly emitted\)/, analyze.stderr);
      const events = await waitFor(
        async () => {
          const r = await socketJson(daemon, "GET", "/v1/events?type=logs.anomaly");
          return r.body.events?.length ? r.body.events : null;
        },
        "the logs.anomaly event",
        WAIT,
      );
      const anomaly = await socketJson(daemon, "GET", `/v1/events/${events[0].id}`);
      assert.equal(anomaly.body.source ?? anomaly.body.event?.source, "/plugins/log-hub");

      // 7. Rotation, then a restart: the new file is read from its start, nothing twice.
      await Deno.rename(access, `${access}.1`);
      await writeLog(access, clf("/after-rotation", 200), false);
      await waitFor(
        async () => (await count("path:/after-rotation")) === 1,
        "the rotated file",
        WAIT,
      );
      const restarted = await socketJson(daemon, "POST", "/v1/plugins/log-hub/restart");
      assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
      await writeLog(access, clf("/after-restart", 200));
      await waitFor(
        async () => (await count("path:/after-restart")) === 1,
        "the line after restart",
        WAIT,
      );
      assert.equal(await count("source:file*"), 5, "no file line stored twice");
    } finally {
      await es.close();
      await Deno.remove(logs, { recursive: true });
      await Deno.remove(pkg, { recursive: true });
    }
  },
);
