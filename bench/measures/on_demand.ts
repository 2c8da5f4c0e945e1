/**
 * 1,000 installed on-demand plugins on one host (SPEC §14): signed packages installed on a real
 * daemon outside dev mode, then granted and enabled; daemon RSS once every plugin stopped idle;
 * an event to an idle plugin (the cold path: `POST /v1/events?wait=true` to a stopped plugin);
 * and the same event to a plugin with a standby process ready (see `standby_*` settings).
 */
import { join } from "node:path";
import { benchDaemon, SocketClient } from "../lib/daemon_client.ts";
import { writeTinyPlugin } from "../lib/plugin_folders.ts";
import { rssBytes } from "../lib/proc.ts";
import { type CpuAccount, cpuAccount } from "../lib/cpu_account.ts";
import { type MeasureResult, result, summarize } from "../lib/stats.ts";
import { runPlugd } from "../../tests/helpers/plugd_cli.ts";
import { packPlugin, readPrivateKeyFile } from "../../src/signing/mod.ts";

const MIB = 1024 * 1024;

/** Options of {@linkcode onDemandMeasures}. */
export interface OnDemandOptions {
  /** Installed plugins (1,000 for the SPEC figure). */
  count: number;
  /** Installs (and grant + enable) in flight at once. */
  parallel: number;
  /** The daemon's `idle_stop_ms`. */
  idleStopMs: number;
  /** Events sent to idle plugins (each to another plugin, so each is a cold start). */
  coldSamples: number;
  /** Events sent to one plugin after each idle stop, once it has a standby. */
  standbySamples: number;
}

type Row = { id: string; runtime?: string; state?: string };

function eventOf(i: number): string {
  return JSON.stringify({ specversion: "1.0", source: "/bench", type: typeOf(i), data: { i } });
}

function typeOf(i: number): string {
  return `bench.od.p${String(i).padStart(4, "0")}`;
}

async function plugins(c: SocketClient): Promise<Row[]> {
  const b = (await c.json("GET", "/v1/plugins")).body;
  return (Array.isArray(b) ? b : b?.plugins ?? []) as Row[];
}

/** Polls until `ok(rows)` (every 100 ms, up to `ms`); throws naming `what` on the deadline. */
async function until(c: SocketClient, what: string, ms: number, ok: (r: Row[]) => boolean) {
  const deadline = Date.now() + ms;
  while (!ok(await plugins(c))) {
    if (Date.now() > deadline) throw new Error(`on-demand bench: ${what} not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100)); // polling interval
  }
}

/**
 * CPU seconds of the daemon's own process (its sandboxed deno steps are not counted: they run
 * under bubblewrap's pid namespace and never reach the daemon's child times).
 */
function daemonCpu(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  return (f[11]! + f[12]!) / 100; // utime + stime, USER_HZ 100
}

async function runPool(n: number, parallel: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < n) await fn(next++);
  }));
}

/** Installs, enables and measures `count` signed on-demand plugins. */
export async function onDemandMeasures(o: OnDemandOptions): Promise<MeasureResult[]> {
  // Declared first, so it is disposed after the daemon (whose processes it counts).
  await using acct = cpuAccount();
  const root = await Deno.makeTempDir({ prefix: "plugd-bench-ondemand-" });
  let stateDir: string | undefined;
  try {
    const gen = await runPlugd(["key", "generate", "--out", root, "--json"]);
    if (gen.code !== 0) throw new Error(`key generate: ${gen.stderr}`);
    const keyFiles = JSON.parse(gen.stdout) as { private_key: string; public_key: string };
    const key = await readPrivateKeyFile(keyFiles.private_key);
    const packT0 = performance.now();
    const packages: string[] = [];
    for (let i = 0; i < o.count; i++) {
      const id = `od-${String(i).padStart(4, "0")}`;
      const dir = await writeTinyPlugin(join(root, "src"), id, { action: typeOf(i) });
      packages.push((await packPlugin(dir, { key, outDir: join(root, "pkg"), build: 1 })).path);
    }
    const packS = (performance.now() - packT0) / 1000;

    await using daemon = await benchDaemon({
      args: [], // not dev: signatures required
      env: { PLUGD_IDLE_STOP_MS: String(o.idleStopMs) },
    });
    stateDir = daemon.stateDir;
    const trust = await runPlugd([
      "key",
      "trust",
      keyFiles.public_key,
      "--socket",
      daemon.socketPath,
    ]);
    if (trust.code !== 0) throw new Error(`key trust: ${trust.stderr}`);
    using c = new SocketClient(daemon.socketPath);
    const pid = daemon.process.pid;
    const rssStart = await rssBytes(pid);

    // 1. Installs only (what the 1,000-in-a-minute target is about).
    const installMs: number[] = [];
    const cpu0 = daemonCpu(pid);
    const t0 = performance.now();
    await runPool(packages.length, o.parallel, async (i) => {
      const t = performance.now();
      const r = await c.json("POST", "/v1/plugins", { source: packages[i] });
      if (r.status !== 201) {
        throw new Error(`install answered ${r.status}: ${JSON.stringify(r.body)}`);
      }
      installMs.push(performance.now() - t);
    });
    const installS = (performance.now() - t0) / 1000;
    const installCpuMs = (daemonCpu(pid) - cpu0) * 1000 / o.count;
    const rssInstalled = await rssBytes(pid);

    // 2. Grant + enable (each enable starts the plugin once; idle stop ends it).
    const t1 = performance.now();
    await runPool(packages.length, o.parallel, async (i) => {
      const id = `od-${String(i).padStart(4, "0")}`;
      const r = await c.json("POST", `/v1/plugins/${id}/grant`, { permissions: {} });
      if (r.status !== 200) {
        throw new Error(`grant answered ${r.status}: ${JSON.stringify(r.body)}`);
      }
      const e = await c.json("POST", `/v1/plugins/${id}/enable`);
      if (e.status !== 200) {
        throw new Error(`enable answered ${e.status}: ${JSON.stringify(e.body)}`);
      }
    });
    const enableS = (performance.now() - t1) / 1000;
    const idle = (rows: Row[]) =>
      rows.length >= o.count && rows.every((r) => r.runtime !== "running");
    await until(c, "every plugin stopped idle", 120_000 + o.idleStopMs, idle);
    // Steady state: the daemon gives memory back 5 s after its last lifecycle change.
    await new Promise((r) => setTimeout(r, 6_000));
    const rssIdle = await rssBytes(pid);

    // 3. The cold path: one event to each of `coldSamples` idle plugins.
    const { times: cold, cpu: coldCpu, daemonCpu: coldDaemonCpu } = await coldEvents(
      c,
      o.coldSamples,
      0,
      acct,
      pid,
    );
    // 4. Standby: one plugin started often gets a process kept ready; events after idle stops.
    const standby = await standbyEvents(c, o);
    const rssAfter = await rssBytes(pid);

    const full = o.count >= 1000;
    const perInstall = summarize(installMs);
    const config = {
      plugins: o.count,
      parallel: o.parallel,
      idle_stop_ms: o.idleStopMs,
      package: "tiny plugin (one action), Ed25519-signed, distinct sources each",
      pack_all_s: packS,
      install_per_package_median_ms: perInstall.median,
      install_per_package_p99_ms: perInstall.p99,
      install_projected_1000_s: installS / o.count * 1000,
      // Load-independent: the daemon's own CPU (not its deno info / deno cache steps).
      install_daemon_cpu_ms_per_package: installCpuMs,
      grant_enable_all_s: enableS,
      daemon_rss_start_mib: rssStart / MIB,
      daemon_rss_after_installs_mib: rssInstalled / MIB,
      daemon_rss_after_events_mib: rssAfter / MIB,
    };
    return [
      result({
        id: "ondemand_install_all",
        name: `install ${o.count} signed packages (${o.parallel} at a time)`,
        unit: "s",
        median: installS,
        p99: null,
        count: 1,
        target: full ? { stat: "median", op: "<", value: 60 } : null,
        config,
      }),
      result({
        id: "ondemand_install_each",
        name: "install of one signed package, while others install",
        unit: "ms",
        ...perInstall,
        target: null,
        config,
      }),
      result({
        id: "ondemand_daemon_rss",
        name: `${o.count} on-demand plugins installed and enabled, all idle: daemon RSS`,
        unit: "MiB",
        median: rssIdle / MIB,
        p99: null,
        count: 1,
        target: full ? { stat: "median", op: "<", value: 150 } : null,
        config,
      }),
      result({
        id: "ondemand_event_cold",
        name: `event to an idle plugin (cold start), ${o.count} installed`,
        unit: "ms",
        ...summarize(cold),
        target: { stat: "median", op: "<", value: 40 },
        config: {
          via: "POST /v1/events?wait=true over the socket; a different stopped plugin each",
          // CPU per cold event (cpuacct; null where it cannot be counted), which load barely moves:
          // the daemon, the plugin's processes and every helper, and the daemon's process alone.
          cpu_ms_per_event: coldCpu.length > 0 ? summarize(coldCpu).median : null,
          daemon_cpu_ms_per_event: summarize(coldDaemonCpu).median,
        },
      }),
      ...standby,
    ];
  } finally {
    // The daemon's state dir too: 1,000 installed plugins, their code folders read-only.
    for (const dir of [root, stateDir]) {
      if (!dir) continue;
      try {
        new Deno.Command("chmod", { args: ["-R", "u+w", dir] }).outputSync();
        Deno.removeSync(dir, { recursive: true }); // sync: see runGroup in run.ts
      } catch { /* already gone */ }
    }
  }
}

/**
 * `?wait=true` events to plugins `from`..`from + n - 1`, each stopped before its event; with the
 * CPU each took, of everything the bench started (`acct`) and of the daemon's process (`pid`).
 */
async function coldEvents(
  c: SocketClient,
  n: number,
  from: number,
  acct: CpuAccount | null,
  pid: number,
): Promise<{ times: number[]; cpu: number[]; daemonCpu: number[] }> {
  const times: number[] = [];
  const cpu: number[] = [];
  const daemon: number[] = [];
  const children = () => acct ? acct.total() - acct.own() : 0;
  for (let i = from; i < from + n; i++) {
    const [c0, d0] = [children(), daemonCpuMs(pid)];
    const t = performance.now();
    const status = await c.postStatus("/v1/events?wait=true", eventOf(i));
    if (status !== 200) throw new Error(`POST /v1/events?wait=true answered ${status}`);
    times.push(performance.now() - t);
    if (acct) cpu.push(children() - c0);
    daemon.push(daemonCpuMs(pid) - d0);
  }
  return { times, cpu, daemonCpu: daemon };
}

/** CPU of the daemon's process so far (all its threads, ns from `schedstat`), ms. */
function daemonCpuMs(pid: number): number {
  let sum = 0;
  for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      sum += Number(Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/schedstat`).split(" ")[0]);
    } catch { /* the thread ended */ }
  }
  return sum / 1e6;
}

/**
 * Events to one plugin, each after it stopped idle: the first ones start it cold until its
 * starts make it "often started" (the standby policy), then each finds a standby ready.
 */
async function standbyEvents(c: SocketClient, o: OnDemandOptions): Promise<MeasureResult[]> {
  const i = o.coldSamples; // a plugin the cold samples did not touch
  const id = `od-${String(i).padStart(4, "0")}`;
  const times: number[] = [];
  const handedOver: boolean[] = [];
  let standbyBytes = 0;
  for (let k = 0; k < o.standbySamples; k++) {
    await until(
      c,
      `${id} stopped idle`,
      60_000 + o.idleStopMs,
      (rows) => rows.find((r) => r.id === id)?.runtime !== "running",
    );
    // From the policy's third start on, a standby is started after each idle stop: wait for it.
    const deadline = Date.now() + (k >= 3 ? 30_000 : 0);
    let standby: { pid: number; privateBytes: number } | undefined;
    do {
      standby = (await c.json("GET", `/v1/plugins/${id}`)).body?.stats?.standby;
      if (!standby && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } while (!standby && Date.now() < deadline);
    if (standby) standbyBytes = standby.privateBytes;
    const t = performance.now();
    const status = await c.postStatus("/v1/events?wait=true", eventOf(i));
    if (status !== 200) throw new Error(`POST /v1/events?wait=true answered ${status}`);
    times.push(performance.now() - t);
    handedOver.push(standby !== undefined);
  }
  const warm = times.filter((_, k) => handedOver[k]);
  return [result({
    id: "ondemand_event_standby",
    name: "event to an idle plugin with a standby process ready",
    unit: "ms",
    ...(warm.length > 0 ? summarize(warm) : { median: NaN, p99: null, count: 0 }),
    target: { stat: "median", op: "<", value: 40 },
    config: {
      events: times.length,
      with_standby_ready: warm.length,
      standby_private_mib: standbyBytes / MIB,
      policy: "daemon defaults: a standby after 3 starts on demand within 600 s, 64 MiB budget",
      all_ms: times,
    },
  })];
}
