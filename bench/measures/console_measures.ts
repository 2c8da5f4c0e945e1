/**
 * Web console (SPEC §14: page server time p95 < 50 ms at 200 plugins; issue: no page over
 * 150 KiB of compressed assets). A real dev-mode daemon gets 200 installed plugins (20 installed
 * through the API, 5 of them enabled, the rest copies of their rows) and 100,000 audit rows; then
 * every page is fetched over TCP as a signed-in admin, one request at a time: the time to the
 * last byte of the HTML is the page's server time.
 */
import { join } from "node:path";
import { GENESIS_HASH, rowHash } from "../../src/audit/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { ConsoleClient } from "../../tests/console/_console.ts";
import { benchDaemon, installGrantEnable, SocketClient } from "../lib/daemon_client.ts";
import { writeTinyPlugin } from "../lib/plugin_folders.ts";
import { type MeasureResult, quantile, result, summarize } from "../lib/stats.ts";

/** Options of {@linkcode consoleMeasures}. */
export interface ConsoleMeasureOptions {
  /** Plugins installed in all. */
  plugins: number;
  /** Of those, installed through the API (the rest are copies of their rows). */
  installed: number;
  enabled: number;
  auditRows: number;
  /** Requests per page. */
  requests: number;
}

/** Appends `n` chained audit rows (what a long-lived daemon accumulates), daemon stopped. */
export async function fillAudit(dbUrl: string, n: number): Promise<void> {
  await using store = await openStore(dbUrl);
  const last = (await store.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
    .rows[0];
  let seq = Number(last?.seq ?? 0);
  let prev = last ? String(last.hash) : GENESIS_HASH;
  const actions = ["plugin.enable", "plugin.disable", "plugin.config", "token.create"];
  for (let done = 0; done < n;) {
    const statements = [];
    for (let i = 0; i < 2000 && done < n; i++, done++) {
      const row = {
        seq: ++seq,
        ts: new Date(Date.now() - (n - done) * 1000).toISOString(),
        actor: `token:${done % 7 === 0 ? "0123456789ab" : "ba9876543210"}`,
        action: actions[done % 4]!,
        target: `tiny-${String(done % 200).padStart(3, "0")}`,
        result: "ok",
        detail: { n: done },
        prev_hash: prev,
      };
      prev = await rowHash(row);
      statements.push({
        sql:
          `INSERT INTO audit_log (seq, ts, actor, action, target, result, detail, prev_hash, hash)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          row.seq,
          row.ts,
          row.actor,
          row.action,
          row.target,
          row.result,
          JSON.stringify(row.detail),
          row.prev_hash,
          prev,
        ],
      });
    }
    await store.client.batch(statements, "write");
  }
}

/**
 * Brings the plugin count to `total` by copying an installed plugin's row under new ids (state
 * `installed`, so nothing starts): the pages read rows, and type-checking 200 identical plugins
 * would only make the bench slower. Columns are copied generically, so schema additions follow.
 */
export async function clonePlugins(dbUrl: string, root: string, total: number): Promise<void> {
  await using store = await openStore(dbUrl);
  const have = Number((await store.execute("SELECT COUNT(*) AS n FROM plugins")).rows[0]!.n);
  const columns = (await store.execute("PRAGMA table_info(plugins)")).rows.map((r) =>
    String(r.name)
  );
  const select = columns.map((c) =>
    c === "id"
      ? "? AS id"
      : c === "state"
      ? "'installed' AS state"
      : c === "source"
      ? "? AS source"
      : c === "manifest"
      ? "json_set(manifest, '$.id', ?, '$.name', ?) AS manifest"
      : c
  ).join(", ");
  const statements = [];
  for (let i = have; i < total; i++) {
    const id = `tiny-${String(i).padStart(3, "0")}`;
    const args = columns.flatMap((c) =>
      c === "id"
        ? [id]
        : c === "source"
        ? [join(root, id)]
        : c === "manifest"
        ? [id, `Tiny ${id}`]
        : []
    );
    statements.push({
      sql: `INSERT INTO plugins (${
        columns.join(", ")
      }) SELECT ${select} FROM plugins WHERE id = 'tiny-000'`,
      args,
    });
  }
  await store.client.batch(statements, "write");
}

const PAGES = [
  "/ui",
  "/ui/plugins",
  "/ui/plugins?state=enabled&q=tiny-01",
  "/ui/plugins/tiny-000",
  "/ui/plugins/tiny-000/config",
  "/ui/plugins/tiny-000/logs",
  "/ui/plugins/tiny-000/history",
  "/ui/install",
  "/ui/events",
  "/ui/tasks",
  "/ui/tasks?status=failed&since=24h",
  "/ui/executions",
  "/ui/executions?plugin=tiny-001&kind=lifecycle",
  "/ui/webhooks",
  "/ui/audit",
  "/ui/audit?action=plugin.*&target=tiny-042",
  "/ui/audit?before=50000",
  "/ui/access",
];

/** Installs, fills, signs in and times every page; sums each page's compressed assets. */
export async function consoleMeasures(o: ConsoleMeasureOptions): Promise<MeasureResult[]> {
  const root = await Deno.makeTempDir({ prefix: "plugd-bench-console-" });
  try {
    let stateDir: string;
    {
      const t0 = performance.now();
      await using daemon = await benchDaemon();
      stateDir = daemon.stateDir;
      using c = new SocketClient(daemon.socketPath);
      const dirs: string[] = [];
      for (let i = 0; i < o.plugins; i++) {
        dirs.push(await writeTinyPlugin(root, `tiny-${String(i).padStart(3, "0")}`));
      }
      let next = 0;
      await Promise.all(Array.from({ length: 4 }, async () => {
        while (next < o.installed) {
          const i = next++;
          if (i < o.enabled) await installGrantEnable(c, dirs[i]!);
          else {
            const res = await c.json("POST", "/v1/plugins", { source: dirs[i]! });
            if (res.status !== 201) {
              throw new Error(`install: ${res.status} ${JSON.stringify(res.body)}`);
            }
          }
        }
      }));
      console.error(
        `bench: console: ${o.installed} plugins installed in ${
          ((performance.now() - t0) / 1000).toFixed(0)
        } s`,
      );
      await daemon.stop();
    }
    const t1 = performance.now();
    await clonePlugins(`file:${join(stateDir, "plugd.db")}`, root, o.plugins);
    await fillAudit(`file:${join(stateDir, "plugd.db")}`, o.auditRows);
    console.error(
      `bench: console: ${o.auditRows} audit rows in ${
        ((performance.now() - t1) / 1000).toFixed(0)
      } s`,
    );
    // Requests go back to back, far above a person's pace: the per-session limit is off here.
    await using daemon = await benchDaemon({ stateDir, env: { PLUGD_RATE_LIMIT: "off" } });
    const ui = new ConsoleClient(daemon.baseUrl);
    await ui.signIn(daemon.token);
    const out: MeasureResult[] = [];
    const perPage: Record<string, { p95: number; median: number }> = {};
    const all: number[] = [];
    const assetBytes: Record<string, number> = {};
    const assetCache = new Map<string, number>();
    for (const path of PAGES) {
      const html = (await ui.page(path)).html; // warm-up, and the asset list
      let bytes = 0;
      for (const [, url] of html.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)) {
        if (!assetCache.has(url!)) {
          const res = await fetch(`${daemon.baseUrl}${url}`, {
            headers: { "accept-encoding": "br, gzip" },
          });
          // fetch() decompresses the body: the wire size is the Content-Length.
          await res.body?.cancel();
          assetCache.set(url!, Number(res.headers.get("content-length")));
        }
        bytes += assetCache.get(url!)!;
      }
      assetBytes[path] = bytes;
      const times: number[] = [];
      for (let i = 0; i < o.requests; i++) {
        const t = performance.now();
        const res = await ui.fetch(path);
        await res.arrayBuffer();
        times.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      }
      const s = [...times].sort((a, b) => a - b);
      perPage[path] = { median: quantile(s, 0.5), p95: quantile(s, 0.95) };
      all.push(...times);
    }
    const worst = Object.entries(perPage).sort((a, b) => b[1].p95 - a[1].p95)[0]!;
    const sorted = [...all].sort((a, b) => a - b);
    const summary = summarize(all);
    out.push(result({
      id: "console_page_p95",
      name: `console page server time, worst page p95 (${o.plugins} plugins, ${
        o.auditRows.toLocaleString("en-US")
      } audit rows)`,
      unit: "ms",
      median: summary.median,
      p95: worst[1].p95,
      p99: quantile(sorted, 0.99),
      count: summary.count,
      target: { stat: "p95", op: "<", value: 50 },
      config: {
        plugins: o.plugins,
        installed_through_api: o.installed,
        enabled: o.enabled,
        audit_rows: o.auditRows,
        requests_per_page: o.requests,
        // Other work on the machine moves these figures a lot; this says how busy it was.
        load_average_1m: Deno.loadavg()[0],
        worst_page: worst[0],
        per_page_ms: perPage,
      },
      notes:
        "median over all pages; p95 of the slowest page; sequential requests over loopback TCP",
    }));
    const heaviest = Object.entries(assetBytes).sort((a, b) => b[1] - a[1])[0]!;
    out.push(result({
      id: "console_asset_kib",
      name: "console assets per page, compressed (largest page)",
      unit: "KiB",
      median: heaviest[1] / 1024,
      p99: null,
      count: PAGES.length,
      target: { stat: "median", op: "<", value: 150 },
      config: {
        largest_page: heaviest[0],
        per_page_kib: Object.fromEntries(
          Object.entries(assetBytes).map(([p, b]) => [p, Math.round(b / 102.4) / 10]),
        ),
        encoding: "br",
      },
    }));
    return out;
  } finally {
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
}
