/**
 * 200 plugins enabled at once (SPEC §14): daemon RSS and the total RSS of every plugin process
 * tree, against a real dev-mode daemon. Installs run `parallel` at a time and stop early (the
 * count is reported) when the projected time would exceed `budgetMs`.
 */
import { benchDaemon, installGrantEnable, SocketClient } from "../lib/daemon_client.ts";
import { writeTinyPlugin } from "../lib/plugin_folders.ts";
import {
  cpuSeconds,
  descendants,
  findByCmdline,
  reapedCpuSeconds,
  rssAnonBytes,
  rssBytes,
  sumRss,
  treeMemory,
} from "../lib/proc.ts";
import { type MeasureResult, result, summarize } from "../lib/stats.ts";
import { cpuAccount } from "../lib/cpu_account.ts";

const MIB = 1024 * 1024;
/**
 * How often the restart polls `GET /v1/plugins`. Each poll of 200 rows costs the daemon ~4 ms of
 * CPU: every 50 ms that was ~8 % of a core and the garbage behind the "steady" RSS read after it.
 */
const POLL_MS = 250;
/** How long after every plugin runs the steady figures are read: the daemon's memory release. */
const STEADY_WAIT_MS = 6_000;

/** Options of {@linkcode manyPlugins}. */
export interface ManyPluginsOptions {
  count: number;
  parallel: number;
  budgetMs: number;
  /**
   * How many of them have sources of their own (each type-checked at install); the rest share
   * one source, so its check is done once and 200 installs fit a loaded machine's budget.
   */
  distinct: number;
}

/** Installs, grants and enables up to `count` tiny plugins, then reads RSS from /proc. */
export async function manyPlugins(o: ManyPluginsOptions): Promise<MeasureResult[]> {
  const root = await Deno.makeTempDir({ prefix: "plugd-bench-many-" });
  try {
    await using daemon = await benchDaemon();
    using c = new SocketClient(daemon.socketPath);
    const idleRss = await rssBytes(daemon.process.pid);
    const dirs: string[] = [];
    for (let i = 0; i < o.count; i++) {
      const id = `tiny-${String(i).padStart(3, "0")}`;
      dirs.push(await writeTinyPlugin(root, id, { distinct: i < o.distinct }));
    }
    const perPlugin: number[] = [];
    const distinctMs: number[] = [];
    const sharedMs: number[] = [];
    let next = 0;
    let stopped = false;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: o.parallel }, async () => {
      while (next < dirs.length && !stopped) {
        const i = next++;
        const t = performance.now();
        await installGrantEnable(c, dirs[i]!);
        perPlugin.push(performance.now() - t);
        (i < o.distinct ? distinctMs : sharedMs).push(performance.now() - t);
        const elapsed = performance.now() - t0;
        const projected = elapsed / perPlugin.length * dirs.length;
        if (perPlugin.length >= 10 && projected > o.budgetMs && elapsed > o.budgetMs) {
          stopped = true;
        }
      }
    }));
    const wallMs = performance.now() - t0;
    const enabled = perPlugin.length;
    const body = (await c.json("GET", "/v1/plugins")).body;
    const list = (Array.isArray(body) ? body : body?.plugins ?? []) as { state: string }[];
    const running = list.filter((p) => p.state === "enabled").length;
    const daemonPid = daemon.process.pid;
    const tree = await descendants(daemonPid);
    const daemonRss = await rssBytes(daemonPid);
    const pluginRss = await sumRss(tree);
    const per = summarize(perPlugin);
    const config = {
      plugins_enabled: enabled,
      plugins_listed: running,
      processes_in_tree: tree.length,
      install_parallel: o.parallel,
      install_grant_enable_wall_s: wallMs / 1000,
      install_grant_enable_per_plugin_median_ms: per.median,
      distinct_sources: o.distinct,
      install_distinct_sources_median_ms: distinctMs.length ? summarize(distinctMs).median : null,
      install_shared_sources_median_ms: sharedMs.length ? summarize(sharedMs).median : null,
      daemon_rss_idle_mib: idleRss / MIB,
      plugin_rss_mean_mib: enabled ? pluginRss / enabled / MIB : 0,
    };
    // Steady state: the same daemon state after a restart, every plugin running again. The
    // figure right after 200 installs also holds install garbage (YAML, module graphs, deno
    // check output) that V8 keeps as heap; both are reported, the target is judged on this one.
    const stateDir = daemon.stateDir;
    await daemon.stop();
    // Every process of the restart counted (ended ones too: the volume mounts, nsenter, sh).
    await using acct = cpuAccount(); // disposed after the restarted daemon below
    const [all0, own0] = [acct?.total() ?? 0, acct?.own() ?? 0];
    const restartT0 = performance.now();
    await using restarted = await benchDaemon({ stateDir });
    using c2 = new SocketClient(restarted.socketPath);
    const deadline = Date.now() + 120_000;
    let allRunningMs = NaN;
    const upCpu = await cpuSeconds(restarted.process.pid); // until it listens
    while (Date.now() < deadline) {
      const b = (await c2.json("GET", "/v1/plugins")).body;
      const rows = (b?.plugins ?? []) as { runtime: string }[];
      if (rows.length > 0 && rows.every((p) => p.runtime === "running")) {
        allRunningMs = performance.now() - restartT0;
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    // CPU of the restart: the daemon's (start, then its side of every plugin start, and the
    // polls) and the plugin processes' (from spawn to ready; idle since): the floor on 2 cores is
    // their sum over the cores.
    const daemonCpu = await cpuSeconds(restarted.process.pid);
    const restartCpu = acct ? (acct.total() - all0) - (acct.own() - own0) : null;
    let pluginsCpu = 0;
    const restartTree = await descendants(restarted.process.pid);
    for (const pid of restartTree) {
      pluginsCpu += await cpuSeconds(pid).catch(() => 0);
    }
    // The `$DATA` volumes: the mount holder and the helpers it ran and reaped (none when volumes
    // are off). Counted in restart_cpu_ms_per_plugin already; this is its share.
    const holder = await findByCmdline(restartTree, ".mount-holder");
    const volumeCpu = holder === undefined
      ? null
      : await cpuSeconds(holder) + await reapedCpuSeconds(holder);
    // Steady: the daemon gives memory back 5 s after the start's last launch (as the ondemand
    // group waits too); the figure right after every plugin runs is kept in `config`.
    const rssAllRunning = await rssBytes(restarted.process.pid);
    await new Promise((r) => setTimeout(r, STEADY_WAIT_MS));
    const steadyTree = await descendants(restarted.process.pid);
    const steadyDaemonRss = await rssBytes(restarted.process.pid);
    const steadyDaemonAnon = await rssAnonBytes(restarted.process.pid);
    const steadyPluginRss = await sumRss(steadyTree);
    const steadyMem = await treeMemory(steadyTree);
    const partial = enabled < o.count ? ` (only ${enabled} of ${o.count}: time budget)` : "";
    return [
      result({
        id: "many_plugins_daemon_rss_after_installs",
        name: `${enabled} plugins: daemon RSS right after installing them (info)${partial}`,
        unit: "MiB",
        median: daemonRss / MIB,
        p99: null,
        count: 1,
        target: null,
        config,
      }),
      result({
        id: "many_plugins_daemon_rss",
        name: `${enabled} plugins enabled: daemon RSS (steady, after restart)${partial}`,
        unit: "MiB",
        median: steadyDaemonRss / MIB,
        p99: null,
        count: 1,
        target: enabled >= o.count ? { stat: "median", op: "<", value: 100 } : null,
        config: {
          ...config,
          processes_in_tree: steadyTree.length,
          daemon_rss_right_after_all_running_mib: rssAllRunning / MIB,
          read_after_quiet_ms: STEADY_WAIT_MS,
        },
      }),
      result({
        // Beside the RSS above: only the daemon's private anonymous pages, without the shared
        // file pages (deno binary, libSQL's addon) whose resident share moves by MiB with what
        // else ran on the machine.
        id: "many_plugins_daemon_private",
        name: `${enabled} plugins enabled: daemon private memory, RssAnon (steady, info)${partial}`,
        unit: "MiB",
        median: steadyDaemonAnon / MIB,
        p99: null,
        count: 1,
        target: null,
        config: { daemon_rss_file_and_shmem_mib: (steadyDaemonRss - steadyDaemonAnon) / MIB },
      }),
      result({
        id: "many_plugins_restart_ready",
        name: `${enabled} plugins enabled: daemon restart -> every plugin running${partial}`,
        unit: "ms",
        median: allRunningMs,
        p99: null,
        count: 1,
        target: enabled >= o.count ? { stat: "median", op: "<", value: 5000 } : null,
        config: {
          polled_every_ms: POLL_MS,
          includes: "daemon start (deno run main.ts) + plugin starts",
          daemon_cpu_ms_until_listening: upCpu * 1000,
          daemon_cpu_ms_per_plugin: enabled ? (daemonCpu - upCpu) * 1000 / enabled : null,
          plugin_cpu_ms_per_start: enabled ? pluginsCpu * 1000 / enabled : null,
          cpu_floor_ms: (daemonCpu + pluginsCpu) * 1000 / navigator.hardwareConcurrency,
          // From a cpuacct cgroup: the daemon, its helpers (volume mounts, nsenter) and every
          // plugin process from spawn to the last poll, per plugin; its floor on these cores.
          restart_cpu_ms_per_plugin: restartCpu !== null && enabled ? restartCpu / enabled : null,
          volume_cpu_ms_per_plugin: volumeCpu !== null && enabled
            ? volumeCpu * 1000 / enabled
            : null,
          restart_cpu_floor_ms: restartCpu !== null
            ? restartCpu / navigator.hardwareConcurrency
            : null,
        },
      }),
      result({
        id: "many_plugins_total_rss",
        name: `${enabled} plugins enabled: total RSS (daemon + plugin trees, steady)${partial}`,
        unit: "MiB",
        median: (steadyDaemonRss + steadyPluginRss) / MIB,
        p99: null,
        count: 1,
        target: enabled >= o.count ? { stat: "median", op: "<", value: 8 * 1024 } : null,
        config: {
          ...config,
          plugin_trees_pss_mib: steadyMem.pss / MIB,
          plugin_uss_mean_mib: enabled ? steadyMem.uss / enabled / MIB : 0,
        },
      }),
    ];
  } finally {
    try {
      Deno.removeSync(root, { recursive: true }); // sync: see runGroup in run.ts
    } catch { /* already gone */ }
  }
}
