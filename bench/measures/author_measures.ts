/**
 * Plugin authoring figures (issue 16): `ctx.db.execute` point-query round trip and batch inserts
 * per second, timed inside a real sandboxed plugin against its real database process; and the
 * time `plugd plugin pack` takes with one mid-size npm dependency (yaml, bundled by esbuild).
 */
import { join } from "node:path";
import { startPlugin } from "../../src/harness/mod.ts";
import { packPlugin } from "../../src/signing/mod.ts";
import { type MeasureResult, result, summarize, summarizeRates } from "../lib/stats.ts";

const PLUGINS = new URL("../plugins/", import.meta.url).pathname;

/** Options of {@linkcode authorMeasures}. */
export interface AuthorMeasureOptions {
  points: number;
  insertRounds: number;
  batchSize: number;
  packs: number;
}

/** The three figures. */
export async function authorMeasures(o: AuthorMeasureOptions): Promise<MeasureResult[]> {
  const out: MeasureResult[] = [];
  {
    await using p = await startPlugin(join(PLUGINS, "bench-db"), { caps: false });
    await p.filter("db.points", { n: 200 }); // warm-up: the database process starts
    const points = await p.filter("db.points", { n: o.points }) as number[];
    out.push(result({
      id: "db_point_query",
      name: "ctx.db.execute point query, round trip from the plugin",
      unit: "ms",
      ...summarize(points),
      target: null,
      config: { table: "1,000 rows, INTEGER PRIMARY KEY", path: "plugin → daemon → db process" },
    }));
    const rates = await p.filter("db.inserts", {
      rounds: o.insertRounds,
      size: o.batchSize,
    }) as number[];
    out.push(result({
      id: "db_batch_inserts",
      name: "ctx.db.batch inserts",
      unit: "rows/s",
      ...summarizeRates(rates),
      target: null,
      config: { batch: o.batchSize, rounds: o.insertRounds, durability: "WAL, synchronous FULL" },
    }));
  }
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-pack-" });
  try {
    const times: number[] = [];
    for (let i = 0; i < o.packs + 1; i++) {
      const t = performance.now();
      await packPlugin(join(PLUGINS, "bench-npm"), { outDir: dir });
      if (i > 0) times.push(performance.now() - t); // the first resolves and writes plugd.lock
    }
    out.push(result({
      id: "pack_npm",
      name: "plugd plugin pack with one mid-size npm dependency",
      unit: "ms",
      ...summarize(times),
      target: null,
      config: { dependency: "yaml 2.9.1 (≈ 260 KiB bundled), from the local npm cache" },
    }));
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.remove(join(PLUGINS, "bench-npm", "plugd.lock")).catch(() => {});
  }
  return out;
}
