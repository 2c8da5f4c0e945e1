import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

const dir = new URL(".", import.meta.url).pathname;
const TOKEN = "test-ingest-token-0123456789";
const RULE = "^(?<ts>\\S+) \\[(?<level>\\w+)\\] (?<service>[\\w-]+): (?<msg>.*)$";

/** This plugin folder copied with `read:` pointing at `logDir` (the manifest names /var/log). */
async function copyWithReadDir(logDir: string): Promise<string> {
  const out = await Deno.makeTempDir({ prefix: "log-hub-pkg-" });
  for (const sub of ["lib", "migrations", "ui"]) {
    await Deno.mkdir(`${out}/${sub}`);
    for await (const e of Deno.readDir(`${dir}${sub}`)) {
      if (e.isFile) await Deno.copyFile(`${dir}${sub}/${e.name}`, `${out}/${sub}/${e.name}`);
    }
  }
  await Deno.copyFile(`${dir}main.ts`, `${out}/main.ts`);
  const yaml = await Deno.readTextFile(`${dir}plugin.yaml`);
  await Deno.writeTextFile(
    `${out}/plugin.yaml`,
    yaml.replace('read: ["/var/log"]', `read: ["${logDir}"]`),
  );
  return out;
}

const post = (body: string, token = TOKEN) => ({
  headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
  body,
});

Deno.test("log-hub: NDJSON and log.line events are parsed, stored and found", async () => {
  await using plugin = await startPlugin(dir, {
    config: { ingest_token: TOKEN, rules: [{ name: "app", pattern: RULE }], event_parser: "app" },
  });
  const now = Date.now();
  const clf = (path: string, status: number) =>
    `10.0.0.1 - - [${clfDate(now)}] "GET ${path} HTTP/1.1" ${status} 512 "-" "curl/8"`;
  const batch = [
    JSON.stringify(clf("/api/users", 502)),
    JSON.stringify(clf("/api/orders?id=7", 500)),
    JSON.stringify(clf("/static/app.js", 503)),
    JSON.stringify(clf("/api/users", 200)),
    JSON.stringify({ level: "warn", msg: "disk almost full", host: "db-1", ts: now - 1000 }),
    JSON.stringify({ line: '{"level":"error","message":"payment timeout","order":42}' }),
    "not json",
  ].join("\n");

  assert.equal(
    (await plugin.route("POST", "/ingest", post(batch, "wrong-token-000000"))).status,
    401,
  );
  const res = await plugin.route("POST", "/ingest", post(batch));
  assert.equal(res.status, 200);
  const accepted = await res.json();
  assert.equal(accepted.accepted, 6);
  assert.deepEqual(accepted.rejected.map((r: { line: number }) => r.line), [7]);

  // Events: one line through the configured regex rule, and a batch with common fields.
  await plugin.emit("log.line", {
    line: `${new Date(now).toISOString()} [ERROR] billing: card declined`,
  });
  await plugin.emit("log.line", {
    service: "worker",
    lines: ["job 1 done", { level: "error", msg: "job 2 failed" }],
  });

  const find = async (q: string, extra = "") =>
    (await (await plugin.route("GET", `/search?q=${encodeURIComponent(q)}${extra}`)).json()).hits;
  const api5 = await find("status:5* AND path:/api");
  assert.deepEqual(api5.map((h: { path: string }) => h.path).sort(), [
    "/api/orders?id=7",
    "/api/users",
  ]);
  assert.equal(api5[0].level, "error", "an access-log 5xx is an error");
  assert.equal(api5[0].fields.user_agent, "curl/8");

  const billing = await find("declined");
  assert.equal(billing.length, 1);
  assert.equal(billing[0].level, "error");
  assert.equal(billing[0].fields.service, "billing");
  assert.match(billing[0].source, /^event:/);

  assert.equal((await find("level:error service:worker"))[0].msg, "job 2 failed");
  assert.equal((await find("payment AND order:42")).length, 1);
  assert.equal((await find("host~^db-\\d$")).length, 1, "a regex on a field");
  assert.equal((await find("level>=warn -status:5*")).length, 4);
  assert.equal((await find("status:5* OR disk")).length, 4);
  assert.equal((await find("disk", `&since=${now - 500}`)).length, 0, "the line's own time counts");
  const bad = await plugin.route("GET", "/search?q=%28status%3A5");
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /parenthesis/);

  const cmd = await plugin.command("search", ["status:5* AND path:/api", "--since", "1h"]);
  assert.equal(cmd.code, 0, cmd.output);
  assert.match(cmd.output, /ERROR http {2}10\.0\.0\.1 .*GET \/api\/users HTTP\/1\.1" 502/);
  assert.match(cmd.output, /2 lines\n$/);
  assert.equal((await plugin.command("search", ["nothing-like-this"])).code, 1);
  const wrong = await plugin.command("search", ["x", "--sinse", "1h"]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.output, /unknown option --sinse/);

  const stats = await (await plugin.route("GET", "/stats?since=1h")).json();
  assert.equal(stats.total, 9);
  assert.equal(stats.status["5xx"], 3);
  assert.equal(stats.levels.error, 6);
  assert.deepEqual(stats.top_paths[0], { path: "/api/users", count: 2 });
  assert.ok(stats.top_errors.some((e: { msg: string }) => e.msg === "payment timeout"));
});

Deno.test("log-hub: a large batch is stored whole (statements split under the guard's limits)", async () => {
  await using plugin = await startPlugin(dir, {
    config: { ingest_token: TOKEN },
    typeCheck: false,
  });
  const now = Date.now();
  const lines = Array.from(
    { length: 3000 },
    (_, i) =>
      JSON.stringify({ level: i % 10 ? "info" : "error", msg: `line ${i}`, ts: now - i * 60_000 }),
  );
  const res = await plugin.route("POST", "/ingest", post(lines.join("\n")));
  assert.deepEqual(await res.json(), { accepted: 3000, rejected: [] });
  const stored = await plugin.db.execute("SELECT count(*) AS n FROM logs");
  assert.equal(stored.rows[0]!.n, 3000);
  const minutes = await plugin.db.execute(
    "SELECT count(*) AS n, sum(n) AS lines FROM minute_counts",
  );
  assert.deepEqual([minutes.rows[0]!.n, minutes.rows[0]!.lines], [3000, 3000]);
});

Deno.test("log-hub: the live tail answers new lines after a cursor, waiting for them", async () => {
  await using plugin = await startPlugin(dir, { config: { ingest_token: TOKEN } });
  await plugin.route("POST", "/ingest", post('"first"'));
  const start = await (await plugin.route("GET", "/tail")).json();
  assert.deepEqual(start.hits.map((h: { msg: string }) => h.msg), ["first"]);
  const waiting = plugin.route("GET", `/tail?after=${start.lastId}&q=level:error&wait=20`);
  await plugin.route("POST", "/ingest", post('"INFO not this one"'));
  await plugin.route("POST", "/ingest", post('{"level":"error","msg":"this one"}'));
  const next = await (await waiting).json();
  assert.deepEqual(next.hits.map((h: { msg: string }) => h.msg), ["this one"]);
});

Deno.test("log-hub: tails granted files through rotation and truncation", async () => {
  // Not under /tmp: that is the sandbox's own $TMP, never grantable as a host path.
  const logs = await Deno.makeTempDir({ dir: "/var/tmp", prefix: "log-hub-files-" });
  await Deno.chmod(logs, 0o755); // the sandboxed plugin runs as its own uid
  const pkg = await copyWithReadDir(logs);
  const file = `${logs}/app.log`;
  const write = async (text: string, append = true) => {
    await Deno.writeTextFile(file, text, { append });
    await Deno.chmod(file, 0o644);
  };
  try {
    await write('{"level":"info","msg":"one"}\n{"level":"info","msg":"two"}\n', false);
    await using plugin = await startPlugin(pkg, {
      config: { files: [{ path: `${logs}/*.log`, parser: "json" }], poll_ms: 100 },
    });
    const msgs = async () => {
      const r = await plugin.db.execute("SELECT msg FROM logs ORDER BY id");
      return r.rows.map((x) => x.msg);
    };
    await waitFor(async () => (await msgs()).length === 2);
    await write('{"level":"error","msg":"three"}\n{"level":"info","msg":"fo');
    await waitFor(async () => (await msgs()).length === 3);
    await write('ur"}\n');
    await waitFor(async () => (await msgs()).length === 4);
    // Rotation: the old file gets a last line after being renamed, a new file takes its place.
    await Deno.rename(file, `${logs}/app.log.1`);
    await Deno.writeTextFile(`${logs}/app.log.1`, '{"msg":"five, written late"}\n', {
      append: true,
    });
    await write('{"msg":"six, in the new file"}\n', false);
    await waitFor(async () => (await msgs()).length === 6);
    // copytruncate: the same file, emptied and written again.
    await write('{"msg":"seven"}\n', false);
    await waitFor(async () => (await msgs()).length === 7);
    assert.deepEqual(await msgs(), [
      "one",
      "two",
      "three",
      "four",
      "five, written late",
      "six, in the new file",
      "seven",
    ]);
    const saved = await plugin.db.execute("SELECT path, offset FROM tail_offsets");
    assert.deepEqual(saved.rows.map((r) => [r.path, r.offset]), [[file, 16]]);
  } finally {
    await Deno.remove(logs, { recursive: true });
    await Deno.remove(pkg, { recursive: true });
  }
});

Deno.test("log-hub: retention trims by age and by line count", async () => {
  await using plugin = await startPlugin(dir, {
    config: { ingest_token: TOKEN, retention: { days: 1, max_lines: 3 } },
  });
  const now = Date.now();
  const lines = [5, 4, 0.5, 0.4, 0.3, 0.2, 0.1].map((days, i) =>
    JSON.stringify({ msg: `line ${i}`, ts: now - days * 86_400_000 })
  );
  await plugin.route("POST", "/ingest", post(lines.join("\n")));
  await plugin.cron("retention");
  const left = await plugin.db.execute("SELECT msg FROM logs ORDER BY id");
  assert.deepEqual(left.rows.map((r) => r.msg), ["line 4", "line 5", "line 6"]);
  const fts = await plugin.db.execute(
    "SELECT count(*) AS n FROM logs_fts WHERE logs_fts MATCH 'line'",
  );
  assert.equal(fts.rows[0]!.n, 3, "the full-text index follows the deletes");
});

Deno.test("log-hub: an error burst over 3x the trailing hour emits logs.anomaly once", async () => {
  await using plugin = await startPlugin(dir, {
    config: { ingest_token: TOKEN, anomaly: { factor: 3, min_errors: 2, cooldown_min: 10 } },
  });
  const now = Date.now();
  // The trailing hour: 56 errors, one per minute, 2.5 to 57.5 minutes ago: inside the rule's
  // window (the hour before the last minute) even if the calls below cross a minute boundary.
  const hour = Array.from(
    { length: 56 },
    (_, i) => JSON.stringify({ level: "error", msg: "steady", ts: now - (i + 2.5) * 60_000 }),
  );
  await plugin.route("POST", "/ingest", post(hour.join("\n")));
  await plugin.cron("analyze");
  assert.equal(plugin.host.emitted.length, 0, "no burst yet");
  const burst = Array.from(
    { length: 10 },
    () => JSON.stringify({ level: "error", msg: "db down" }),
  );
  await plugin.route("POST", "/ingest", post(burst.join("\n")));
  await plugin.cron("analyze");
  assert.equal(plugin.host.emitted.length, 1);
  const event = plugin.host.emitted[0]!;
  assert.equal(event.type, "logs.anomaly");
  const data = event.data as {
    errors: number;
    baseline_per_min: number;
    threshold: number;
    top_errors: unknown[];
  };
  assert.equal(data.errors, 10);
  assert.equal(data.baseline_per_min, 0.93); // 56 / 60
  assert.equal(data.threshold, 3, "over 3 x 0.93 per minute (min_errors is 2)");
  assert.deepEqual(data.top_errors, [{ msg: "db down", count: 10 }]);
  await plugin.cron("analyze");
  assert.equal(plugin.host.emitted.length, 1, "the cool-down holds the next one back");
  const out = await plugin.command("analyze");
  assert.match(out.output, /errors in the last minute: 10 .* anomaly from 3: YES \(cool-down/);
});

function clfDate(ms: number): string {
  const d = new Date(ms);
  const mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${mon[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting for the condition");
    await new Promise((r) => setTimeout(r, 50));
  }
}
