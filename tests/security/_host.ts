/**
 * A host for the security corpus: one real `Supervisor` running malicious plugins under the real
 * sandbox next to a well-behaved neighbour, with canaries to prove nothing outside changed.
 * Each plugin gets its own folders under one temp state dir (mode 0711, like the daemon's).
 */
import assert from "node:assert/strict";
import { loadPluginDir } from "../../src/manifest/mod.ts";
import type { Permissions } from "../../src/manifest/types.ts";
import {
  BinFolders,
  type CapsFacts,
  detectResourceCaps,
  detectSandbox,
  IN_SANDBOX,
  type LaunchPlan,
  launchPlan,
  type LogLine,
  manifestHandlers,
  MemoryHost,
  type PluginStats,
  preparePlugin,
  type SandboxInfo,
  Supervisor,
  switchesUids,
} from "../../src/runtime/mod.ts";
import { DEFAULT_UID_RANGE } from "../../src/config/mod.ts";
import { memoryUids, prepareDirs } from "../../src/plugins/mod.ts";
import { waitFor } from "../runtime/_helpers.ts";

/** Where malicious fixtures live. */
export const MALICIOUS = new URL("../fixtures/malicious/", import.meta.url).pathname;
/** The well-behaved neighbour. */
export const NEIGHBOUR = new URL("../fixtures/plugins/echo", import.meta.url).pathname;
/**
 * A file outside every plugin's folder that a literal JSON import targets (another path when the
 * host runs as another user, see uid_isolation_test.ts).
 */
export const JSON_CANARY = Deno.env.get("PLUGD_SECURITY_CANARY") ??
  "/tmp/plugd-security-canary.json";
const JSON_CANARY_TEXT = JSON.stringify({ secret: "json-canary-4711" });

/**
 * Put the JSON canary in place. Test files run in parallel and each one snapshots it, so it is
 * replaced by a rename, never truncated and rewritten: a reader never sees it empty.
 */
export async function writeJsonCanary(): Promise<void> {
  const now = await Deno.readTextFile(JSON_CANARY).catch(() => undefined);
  if (now === JSON_CANARY_TEXT) return;
  const tmp = `${JSON_CANARY}.${Deno.pid}.${crypto.randomUUID()}`;
  await Deno.writeTextFile(tmp, JSON_CANARY_TEXT);
  await Deno.rename(tmp, JSON_CANARY);
}

/** An environment variable of the host process that no plugin may see. */
export const ENV_CANARY = "PLUGD_SECURITY_ENV_CANARY";

/** How one plugin is started. */
export interface LaunchOptions {
  /** @default every permission the manifest requests */
  grant?: Permissions;
  /** `flags`: Deno flags only (PLUGD_SANDBOX=flags). @default the host's sandbox (bwrap) */
  mode?: "bwrap" | "flags";
  /** Replace the `--allow-*` flags with these: widens wall 1 to test the OS sandbox alone. @default [] */
  widenDenoFlags?: string[];
  /** Test-only: bind these host paths read-write into the sandbox (widens the mount namespace). */
  widenMounts?: string[];
  /** `bypass` skips the install-time module graph check. @default "checked" */
  prepare?: "checked" | "bypass";
  /** Override limits.timeout_ms. */
  timeoutMs?: number;
  /** Supervisor id. @default `<manifest id>-<n>` */
  id?: string;
}

/** A started plugin. */
export interface Launched {
  id: string;
  dataDir: string;
  tmpDir: string;
  /** The launch plan it runs with. */
  plan: LaunchPlan;
  invoke(kind: "action" | "filter", name: string, payload?: unknown): Promise<unknown>;
  /** Deliver `data` as a CloudEvent to the action `type`. */
  emit(type: string, data?: unknown): Promise<unknown>;
  stats(): Promise<PluginStats>;
  logs(): LogLine[];
}

let counter = 0;

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
  assert.ok(out.success, `${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
}

/**
 * `widen` plus what the protocol socket's connect needs (the shim revokes it once connected), so
 * a widened plugin still reaches its channel; an unscoped flag already covers it.
 */
function withChannel(widen: string[], plan: LaunchPlan): string[] {
  if (!plan.channel) return widen;
  const path = plan.channel.path;
  const out = [...widen];
  for (const [kind, entry] of [["read", path], ["write", path], ["net", `unix:${path}`]]) {
    const at = out.findIndex((f) => f === `--allow-${kind}` || f.startsWith(`--allow-${kind}=`));
    if (at === -1) out.push(`--allow-${kind}=${entry}`);
    else if (out[at] !== `--allow-${kind}`) out[at] = `${out[at]},${entry}`;
  }
  return out;
}

/** Owns a supervisor, its plugins, the neighbour and the canaries. Dispose to stop everything. */
export class SecurityHost implements AsyncDisposable {
  readonly stateDir: string;
  readonly memory = new MemoryHost();
  readonly supervisor: Supervisor;
  readonly sandbox: SandboxInfo;
  /** A loopback TCP server that counts every connection a plugin manages to make. */
  readonly loopback: { port: number; connections: number };
  readonly neighbour: Launched;
  #logs = new Map<string, LogLine[]>();
  #listener: Deno.TcpListener;
  #caps: CapsFacts | undefined;
  /** The libraries, Deno and setpriv as folders of hard links, as the daemon binds them. */
  #binFolders: BinFolders | undefined;
  /** Each plugin's own uid when the tests run as root (or with the unit's caps), as the daemon. */
  readonly uids = memoryUids({ range: DEFAULT_UID_RANGE });
  /** Names this host's cgroups apart from those of other test files running at the same time. */
  #tag = crypto.randomUUID().slice(0, 8);

  private constructor(
    stateDir: string,
    sandbox: SandboxInfo,
    caps: CapsFacts | undefined,
    listener: Deno.TcpListener,
  ) {
    this.stateDir = stateDir;
    this.sandbox = sandbox;
    this.#caps = caps;
    this.#listener = listener;
    this.loopback = { port: (listener.addr as Deno.NetAddr).port, connections: 0 };
    this.supervisor = new Supervisor({
      hostHandler: this.memory,
      onLog: (id, line) => {
        const l = this.#logs.get(id) ?? [];
        if (l.length < 5000) l.push(line);
        this.#logs.set(id, l);
      },
      healthIntervalMs: 0,
      gracefulMs: 500,
      backoff: { initialMs: 50, maxMs: 1000 },
      crashBudget: { restarts: 50, windowMs: 60_000 },
      // As the daemon: plugins start from seats, so the corpus's caps cases run through them.
      seats: 2,
      seatDir: stateDir,
    });
    this.neighbour = undefined as unknown as Launched;
  }

  /** Create the host and start the neighbour. */
  static async create(options: { caps?: boolean } = {}): Promise<SecurityHost> {
    const stateDir = await Deno.realPath(await Deno.makeTempDir({ prefix: "plugd-security-" }));
    await Deno.chmod(stateDir, 0o711);
    await Deno.writeTextFile(`${stateDir}/secret.token`, "state-secret-4711", { mode: 0o600 });
    await writeJsonCanary();
    Deno.env.set(ENV_CANARY, "env-canary-4711");
    const sandbox = await detectSandbox({ requested: "bwrap" });
    const caps = options.caps === false
      ? undefined
      : await detectResourceCaps({ instance: "security-corpus", sweep: false });
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const host = new SecurityHost(stateDir, sandbox, caps, listener);
    host.#binFolders = await BinFolders.forSandbox(sandbox, stateDir);
    (async () => {
      for await (const conn of listener) {
        host.loopback.connections++;
        conn.close();
      }
    })().catch(() => {});
    (host as { neighbour: Launched }).neighbour = await host.launch(NEIGHBOUR, { id: "neighbour" });
    return host;
  }

  /** Prepare and start a plugin folder; throws what preparation or the start threw. */
  async launch(dir: string, o: LaunchOptions = {}): Promise<Launched> {
    const { manifest, dir: pluginDir } = await loadPluginDir(dir);
    const id = o.id ?? `${manifest.id}-${++counter}`;
    const base = `${this.stateDir}/${id}`;
    const d = {
      pluginDir,
      preparedDir: `${base}/prepared`,
      dataDir: `${base}/data`,
      tmpDir: `${base}/tmp`,
    };
    const sandbox: SandboxInfo = o.mode === "flags"
      ? { ...this.sandbox, mode: "flags", reason: "PLUGD_SANDBOX=flags (security corpus)" }
      : this.sandbox;
    await Deno.mkdir(d.preparedDir, { recursive: true });
    await preparePlugin({
      ...d,
      entry: manifest.entry,
      sandbox,
      typeCheck: false,
      checkGraph: o.prepare !== "bypass",
    });
    // Flags mode as root: the plugin's own uid walks to its folders (bwrap as root needs not).
    await Deno.chmod(base, sandbox.mode === "flags" && sandbox.root ? 0o711 : 0o700);
    for (const p of [d.dataDir, d.tmpDir, `${base}/launch`]) {
      await Deno.mkdir(p, { recursive: true, mode: 0o700 });
    }
    const uid = switchesUids(sandbox) ? await this.uids.uidOf(id) : undefined;
    if (uid !== undefined && sandbox.root) {
      for (const p of [d.dataDir, d.tmpDir]) await Deno.chown(p, uid, uid);
    } else if (uid !== undefined) {
      // The unit's daemon (capabilities, not root): as the daemon prepares them, and its
      // bubblewrap runs as the plugin's uid, so that uid must read the prepared files.
      await prepareDirs(d, sandbox, uid);
      await run("chmod", ["-R", "go+rX", "--", d.preparedDir]);
    }
    const limits = { ...manifest.limits };
    if (o.timeoutMs) limits.timeout_ms = o.timeoutMs;
    const grant = o.grant ?? manifest.permissions;
    const build = (): LaunchPlan => {
      const plan = launchPlan({
        pluginId: `${id}-${this.#tag}`,
        grant,
        memoryMb: limits.memory_mb,
        cpuPercent: limits.cpu_percent,
        host: { stateDir: this.stateDir, forbiddenPaths: [], daemonPort: 7420 },
        dirs: d,
        sandbox,
        caps: this.#caps,
        binFolders: this.#binFolders,
        uid,
        env: Object.fromEntries(
          (grant.env ?? []).flatMap((n) => Deno.env.get(n) ? [[n, Deno.env.get(n)!]] : []),
        ),
        launchDir: `${base}/launch`,
        extraBinds: o.widenMounts,
      });
      const widen = o.widenDenoFlags ?? [];
      if (widen.length === 0) return plan;
      // Replace the granted --allow-* flags (Deno refuses a flag given twice) with `widen`.
      const deno = sandbox.mode === "bwrap" ? IN_SANDBOX.deno : sandbox.denoPath;
      const at = plan.argv.lastIndexOf(deno);
      assert.equal(plan.argv[at + 1], "run", "the deno binary is followed by run");
      const rest = plan.argv.slice(at + 2).filter((a) => !a.startsWith("--allow-"));
      return {
        ...plan,
        argv: [...plan.argv.slice(0, at + 2), ...withChannel(widen, plan), ...rest],
      };
    };
    const plan = build();
    this.supervisor.register({
      id,
      version: manifest.version,
      expectedHandlers: manifestHandlers(manifest),
      limits,
      config: {},
      plan: build,
    });
    try {
      await this.supervisor.start(id);
    } catch (e) {
      await this.supervisor.unregister(id);
      throw e;
    }
    const matches = (p: string, t: string) =>
      p.endsWith("*") ? t.startsWith(p.slice(0, -1)) : p === t;
    const invoke = (kind: "action" | "filter", name: string, payload?: unknown) =>
      this.supervisor.invoke(id, kind, name, payload);
    return {
      id,
      dataDir: d.dataDir,
      tmpDir: d.tmpDir,
      plan,
      invoke,
      emit: (type, data) => {
        const hook = manifest.hooks.find((h) => h.kind === "action" && matches(h.name, type));
        if (!hook) throw new Error(`No action in plugin.yaml matches "${type}"`);
        return invoke("action", hook.name, {
          specversion: "1.0",
          id: crypto.randomUUID(),
          source: "/security",
          type,
          data,
        });
      },
      stats: () => this.supervisor.stats(id),
      logs: () => this.#logs.get(id) ?? [],
    };
  }

  /** Stop and forget a plugin. */
  async remove(p: Launched): Promise<void> {
    await this.supervisor.unregister(p.id);
  }

  /** The neighbour still answers and never restarted; the host process still serves. */
  async assertNeighbourServes(): Promise<void> {
    assert.deepEqual(await this.neighbour.invoke("filter", "text.upper", { text: "ok" }), {
      text: "OK",
    });
    const s = await this.neighbour.stats();
    assert.equal(s.state, "running");
    assert.equal(s.restarts, 0, "the neighbour never restarted");
    assert.equal(s.protocolViolations, 0);
  }

  /**
   * Every file of the state dir except `skip` (a plugin's own `$DATA`/`$TMP`), with its size and
   * mode, plus the canaries' contents: compare before and after a case.
   */
  async snapshot(skip: string[] = []): Promise<string> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for await (const e of Deno.readDir(dir)) {
        const p = `${dir}/${e.name}`;
        if (skip.includes(p)) continue;
        const st = await Deno.lstat(p);
        out.push(`${p} ${st.isDirectory ? "d" : st.size} ${st.mode?.toString(8)}`);
        if (e.isDirectory) await walk(p);
      }
    };
    await walk(this.stateDir);
    out.push(await Deno.readTextFile(`${this.stateDir}/secret.token`));
    out.push(await Deno.readTextFile(JSON_CANARY));
    return out.sort().join("\n");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.supervisor[Symbol.asyncDispose]();
    this.#listener.close();
    await Deno.remove(this.stateDir, { recursive: true }).catch(() => {});
  }
}

/** Wait until a restarted plugin is running again. */
export async function waitRunning(p: Launched): Promise<PluginStats> {
  return await waitFor(async () => {
    const s = await p.stats();
    return s.state === "running" ? s : undefined;
  }, `${p.id} running again`);
}
