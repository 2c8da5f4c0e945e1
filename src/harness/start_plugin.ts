/**
 * The test harness: starts a plugin folder under the real sandbox after the same checks as an
 * install, in-process. `@plugd/sdk/testing` reaches it through `serve_harness.ts` (a process of the
 * installed plugd); plugd's own runtime tests and benchmarks call it directly.
 *
 * @example
 * ```ts
 * await using p = await startPlugin("./plugins/hello");
 * const out = await p.filter("notification.format", { text: "hi" });
 * ```
 * @module
 */
import type { ConfigSchema, Permissions } from "../manifest/mod.ts";
import { DEFAULT_UID_RANGE } from "../config/mod.ts";
import {
  DB_OPS,
  memoryUids,
  PluginDbAccess,
  removePackage,
  stageForCheck,
  validateConfigValues,
} from "../plugins/mod.ts";
import { type DbResult, PluginDatabases } from "../plugin_db/mod.ts";
import {
  BinFolders,
  type CapsFacts,
  detectResourceCaps,
  detectSandbox,
  type InvokeOptions,
  launchPlan,
  type LogLine,
  manifestHandlers,
  MemoryHost,
  type SandboxInfo,
  Supervisor,
  type SupervisorOptions,
} from "../runtime/mod.ts";
import { TestTenants } from "./test_tenants.ts";
import { type ForTenant, type HarnessSession, pluginCalls } from "./harness_session.ts";

/** Applies the manifest's config defaults, as the daemon does; invalid values fail the start. */
function withDefaults(
  schema: ConfigSchema,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const { values: out, problems } = validateConfigValues(schema, values);
  if (problems.length > 0) {
    throw new TypeError(
      `Invalid config for the plugin under test: ${
        problems.map((p) => `${p.field}: ${p.message}`).join("; ")
      }`,
    );
  }
  return out;
}

/** Options of {@linkcode startPlugin}. */
export interface StartPluginOptions {
  /** @default {} */
  config?: Record<string, unknown>;
  /** @default every permission the manifest requests */
  grant?: Permissions;
  /** Override the manifest's limits.timeout_ms. */
  timeoutMs?: number;
  /** Apply the host's process caps (cgroup / rlimit). @default true */
  caps?: boolean;
  /** CPU budget outside calls when no cgroup quota applies (see `SupervisorOptions`). */
  cpuBudget?: SupervisorOptions["cpuBudget"];
  /** Stop the plugin after this idle time (only actions and cron: on demand). @default 0 (never) */
  idleStopMs?: number;
  /** Standby processes after idle stops (see `SupervisorOptions`). @default off */
  standby?: SupervisorOptions["standby"];
  /** Launchers waiting in fresh cgroups for starts (see `SupervisorOptions`). @default 0 */
  seats?: number;
  /** Type-checks the plugin as an install does. @default true */
  typeCheck?: boolean;
  /** How long a cancelled command may take to answer before it is killed. @default 2000 */
  cancelGraceMs?: number;
  /** Tenants calls may be made for: tenant id → its config overrides. @default none */
  tenants?: Record<string, Record<string, unknown>>;
  /** Sees every log line as it arrives. */
  onLog?: (line: LogLine) => void;
  /** Sees every storage change and emitted event (the SDK mirrors them); `tenant` of the call. */
  onHostCall?: (
    pluginId: string,
    op: string,
    args: Record<string, unknown>,
    value: unknown,
    tenant: string | null,
  ) => void;
}

let sandboxInfo: Promise<SandboxInfo> | undefined;
let capsInfo: Promise<CapsFacts> | undefined;
/** Each plugin under test gets its own uid when the tests run as root, as in the daemon. */
const uids = memoryUids({ range: DEFAULT_UID_RANGE });

/** Prepare `dir` into a temp state folder and start it under the real sandbox. */
export async function startPlugin(
  dir: string,
  options: StartPluginOptions = {},
): Promise<HarnessSession> {
  const state = await Deno.makeTempDir({ prefix: "plugd-test-" });
  const pluginDir = `${state}/plugin`;
  let disposeDb: (() => Promise<void>) | undefined;
  const d = {
    pluginDir,
    preparedDir: `${state}/prepared`,
    dataDir: `${state}/data/plugin`,
    tmpDir: `${state}/tmp/plugin`,
  };
  try {
    sandboxInfo ??= detectSandbox();
    const sandbox = await sandboxInfo;
    // The install's own checks and staging: a read-only copy, prepared as an install prepares it.
    const { manifest } = await stageForCheck(dir, state, {
      sandbox,
      typeCheck: options.typeCheck,
    });
    // Flags mode as root: the plugin's uid walks to its folders itself (bubblewrap as root
    // needs no such path, so a plugin folder under a 0700 home or temp dir works).
    const uid = sandbox.root ? await uids.uidOf(`${manifest.id}-${state}`) : undefined;
    const open = sandbox.mode === "flags" && sandbox.root;
    if (open) await Deno.chmod(state, 0o711);
    for (const p of [d.dataDir, d.tmpDir]) {
      await Deno.mkdir(p, { recursive: true, mode: 0o700 });
      await Deno.chmod(`${p}/..`, open ? 0o711 : 0o700);
      if (uid !== undefined) await Deno.chown(p, uid, uid);
    }
    await Deno.mkdir(`${state}/launch`, { mode: 0o700 });
    const binFolders = await BinFolders.forSandbox(sandbox, state);
    // One cgroup folder shared by every test process; each start names its own cgroup.
    const caps = options.caps === false
      ? undefined
      : await (capsInfo ??= detectResourceCaps({ instance: "sdk-testing", sweep: false }));
    const logs: LogLine[] = [];
    const host = new MemoryHost();
    const config = withDefaults(manifest.config, options.config ?? {});
    const tenants = new TestTenants(manifest.config, config, options.tenants);
    const grant = options.grant ?? manifest.permissions;
    const db = new PluginDbAccess(
      new PluginDatabases({
        stateDir: state,
        sandbox: { ...sandbox, mode: sandbox.mode === "bwrap" ? "bwrap" : "flags" },
      }),
    );
    disposeDb = () => db.close();
    await db.prepare(
      { id: manifest.id, version: manifest.version, manifest, granted: grant },
      pluginDir,
    );
    const supervisor = new Supervisor({
      hostHandler: {
        async handleHostCall(pid, op, args, scope) {
          const a = (args ?? {}) as Record<string, unknown>;
          const tenant = scope?.tenant ?? null;
          if (DB_OPS.includes(op)) return await db.handle(pid, op, a, tenant);
          const value = await host.handleHostCall(pid, op, args, scope);
          options.onHostCall?.(pid, op, a, value, tenant);
          return value;
        },
      },
      onLog: (_id, line) => {
        if (logs.length < 10_000) logs.push(line);
        options.onLog?.(line);
      },
      healthIntervalMs: 0,
      cpuBudget: options.cpuBudget,
      idleStopMs: options.idleStopMs ?? 0,
      standby: options.standby,
      seats: options.seats,
      seatDir: `${state}/launch`,
    });
    const limits = { ...manifest.limits };
    if (options.timeoutMs) limits.timeout_ms = options.timeoutMs;
    supervisor.register({
      id: manifest.id,
      version: manifest.version,
      expectedHandlers: manifestHandlers(manifest),
      limits,
      config,
      plan: () =>
        launchPlan({
          pluginId: `${manifest.id}-${crypto.randomUUID().slice(0, 8)}`,
          grant,
          memoryMb: limits.memory_mb,
          cpuPercent: limits.cpu_percent,
          host: { stateDir: state, forbiddenPaths: [], daemonPort: 7420 },
          dirs: d,
          sandbox,
          caps,
          binFolders,
          uid,
          env: Object.fromEntries(
            grant.env?.flatMap((n) => {
              const value = Deno.env.get(n);
              return value === undefined ? [] : [[n, value]];
            }) ?? [],
          ),
          launchDir: `${state}/launch`,
        }),
    });
    const id = manifest.id;
    const call = (
      kind: "action" | "filter" | "gate" | "route" | "cron" | "command",
      name: string,
      payload?: unknown,
      opts?: InvokeOptions,
      init?: ForTenant,
    ) => supervisor.invoke(id, kind, name, payload, { ...opts, ...tenants.call(init?.tenant) });
    await supervisor.start(id);
    return {
      id,
      logs,
      host,
      supervisor,
      db: {
        execute: async (sql, args, init) => {
          tenants.call(init?.tenant); // a tenant of this test, or refused
          const result = await db.handle(id, "db.execute", { sql, args }, init?.tenant ?? null);
          return result as DbResult;
        },
      },
      ...pluginCalls(manifest, call, options),
      stats: () => supervisor.stats(id),
      async [Symbol.asyncDispose]() {
        await supervisor[Symbol.asyncDispose]();
        await db.close();
        await removePackage(pluginDir).catch(() => {});
        await Deno.remove(state, { recursive: true }).catch(() => {});
      },
    };
  } catch (e) {
    await disposeDb?.().catch(() => {});
    await removePackage(pluginDir).catch(() => {});
    await Deno.remove(state, { recursive: true }).catch(() => {});
    throw e;
  }
}
