/**
 * The marketplace figures (issue 18): registry search p95 with 10,000 plugins and 100,000
 * versions (SPEC §14: < 200 ms), the time to publish a 1 MiB package, and the time from an
 * advisory's publication to the plugin being disabled on a daemon, with the default poll
 * interval (goal: under 60 s) and with the feed pushed. Real `plugd registry serve` and daemon
 * processes throughout.
 */
import { join } from "node:path";
import { benchDaemon, installGrantEnable, SocketClient } from "../lib/daemon_client.ts";
import { seedRegistry } from "../lib/registry_seed.ts";
import { type MeasureResult, quantile, result, summarize } from "../lib/stats.ts";
import { packPlugin } from "../../src/signing/mod.ts";
import {
  createPublisher,
  packTestPlugin,
  publish,
  startRegistry,
  writeTestPlugin,
} from "../../tests/registry/_registry.ts";

/** Options of {@linkcode registryMeasures}. */
export interface RegistryMeasureOptions {
  plugins: number;
  versions: number;
  searches: number;
  publishes: number;
  advisories: number;
}

/** Runs every registry measure. */
export async function registryMeasures(o: RegistryMeasureOptions): Promise<MeasureResult[]> {
  return [
    await searchLatency(o),
    await publishTime(o),
    ...await advisoryToDisabled(o),
  ];
}

async function searchLatency(o: RegistryMeasureOptions): Promise<MeasureResult> {
  const stateDir = await Deno.makeTempDir({ prefix: "plugd-bench-reg-" });
  const seeded = performance.now();
  const { words, categories } = await seedRegistry(
    `file:${join(stateDir, "registry.db")}`,
    o.plugins,
    o.versions,
  );
  const seedS = (performance.now() - seeded) / 1000;
  await using registry = await startRegistry({ stateDir });
  const queries = (i: number): string => {
    const w = words[(i * 7) % words.length]!;
    const w2 = words[(i * 13 + 5) % words.length]!;
    const c = categories[i % categories.length]!;
    return [
      `q=${w}`,
      `q=${w}%20${w2}`,
      `q=${w.slice(0, 3)}`,
      `category=${c}&sort=downloads`,
      `q=${w}&max_risk=medium&permission=net`,
      "sort=rating",
      `q=${w2}&sort=updated&offset=40`,
    ][i % 7]!;
  };
  for (let i = 0; i < 20; i++) await get(`${registry.url}/api/v1/search?${queries(i)}`); // warm-up
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < o.searches; i++) {
    const t = performance.now();
    const body = await get(`${registry.url}/api/v1/search?${queries(i)}`);
    times.push(performance.now() - t);
    hits += body.total;
  }
  const sorted = [...times].sort((a, b) => a - b);
  await Deno.remove(stateDir, { recursive: true }).catch(() => {});
  return result({
    id: "registry_search",
    name: `registry search, ${o.plugins.toLocaleString("en-US")} plugins / ${
      o.versions.toLocaleString("en-US")
    } versions`,
    unit: "ms",
    ...summarize(times),
    p95: quantile(sorted, 0.95),
    target: { stat: "p95", op: "<", value: 200 },
    config: {
      queries:
        "text, two words, 3-letter prefix, category+downloads, text+risk+permission filters, " +
        "rating sort over all, text+updated sort page 3 (round-robin)",
      mean_matches: Math.round(hits / o.searches),
      seed_s: Number(seedS.toFixed(1)),
      transport: "HTTP over loopback to a plugd registry serve process (FTS5, bm25)",
    },
  });
}

async function get(url: string): Promise<{ total: number }> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return await res.json();
}

async function publishTime(o: RegistryMeasureOptions): Promise<MeasureResult> {
  const root = await Deno.makeTempDir({ prefix: "plugd-bench-pub-" });
  await using registry = await startRegistry();
  const publisher = await createPublisher(registry, "bench");
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < o.publishes + 1; i++) {
    const dir = await writeTestPlugin(root, { id: "bench-big", version: `1.0.${i}` });
    await Deno.writeFile(join(dir, "data.bin"), randomBytes(1024 * 1024));
    const { path: tgz } = await packPlugin(dir, {
      key: publisher.key,
      outDir: join(root, `dist-${i}`),
    });
    size = (await Deno.stat(tgz)).size;
    const t = performance.now();
    const res = await publish(registry, publisher.token, tgz);
    const ms = performance.now() - t;
    if (res.status !== 201) throw new Error(`publish answered ${res.status}`);
    if (i > 0) times.push(ms); // the first one warms the server up
  }
  await Deno.remove(root, { recursive: true }).catch(() => {});
  return result({
    id: "registry_publish_1mib",
    name: "publish a 1 MiB signed package",
    unit: "ms",
    ...summarize(times),
    target: null,
    config: {
      archive_bytes: size,
      steps: "multipart upload, safe extraction, signature + digests, manifest, store, index",
    },
  });
}

/** Incompressible bytes, so the archive really is ~1 MiB. */
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

async function advisoryToDisabled(o: RegistryMeasureOptions): Promise<MeasureResult[]> {
  const root = await Deno.makeTempDir({ prefix: "plugd-bench-adv-" });
  await using registry = await startRegistry();
  const publisher = await createPublisher(registry, "bench");
  const count = o.advisories;
  for (let i = 0; i < count * 2; i++) {
    await publish(
      registry,
      publisher.token,
      await packTestPlugin(root, publisher.key, { id: `bench-adv-${i}`, version: "1.0.0" }),
    );
  }
  // Default poll interval: PLUGD_ADVISORY_POLL_S is not set.
  await using daemon = await benchDaemon({
    env: { PLUGD_REGISTRIES: `${registry.url};name=bench;key=${registry.advisoryKey}` },
  });
  using c = new SocketClient(daemon.socketPath);
  if ((await c.json("POST", "/v1/keys", { public_key: publisher.publicKey })).status !== 201) {
    throw new Error("cannot trust the publisher key");
  }
  for (let i = 0; i < count * 2; i++) await installGrantEnable(c, `bench-adv-${i}`);
  const advise = (i: number) =>
    registry.call("POST", "/api/v1/admin/advisories", {
      plugin: `bench-adv-${i}`,
      versions: "*",
      severity: "critical",
      action: "disable",
      title: "bench",
      description: "bench advisory",
    });
  const failedWithin = async (id: string, t0: number): Promise<number> => {
    for (;;) {
      const view = await c.json("GET", `/v1/plugins/${id}`);
      if (view.body.state === "failed") return performance.now() - t0;
      if (performance.now() - t0 > 120_000) throw new Error(`${id} was not disabled in 120 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const polled: number[] = [];
  for (let i = 0; i < count; i++) {
    // Spread publications over the poll cycle: the figure is the poll's real distribution.
    await new Promise((r) => setTimeout(r, 7_000 * i));
    const t0 = performance.now();
    await advise(i);
    polled.push(await failedWithin(`bench-adv-${i}`, t0));
  }
  const pushed: number[] = [];
  for (let i = count; i < count * 2; i++) {
    const t0 = performance.now();
    await advise(i);
    const feed = await (await fetch(`${registry.url}/api/v1/advisories`)).json();
    const answer = await c.json("POST", "/v1/advisories", feed);
    if (answer.status !== 200) throw new Error(`push answered ${answer.status}`);
    pushed.push(await failedWithin(`bench-adv-${i}`, t0));
  }
  await Deno.remove(root, { recursive: true }).catch(() => {});
  return [
    result({
      id: "advisory_to_disabled_poll",
      name: "advisory published -> plugin disabled (default 30 s poll)",
      unit: "ms",
      ...summarize(polled),
      target: { stat: "p99", op: "<", value: 60_000 },
      config: { poll_s: 30, samples: "publications spread over the poll cycle" },
    }),
    result({
      id: "advisory_to_disabled_push",
      name: "advisory published -> plugin disabled (feed pushed)",
      unit: "ms",
      ...summarize(pushed),
      target: null,
      config: { path: "GET feed from the registry, POST /v1/advisories to the daemon" },
    }),
  ];
}
