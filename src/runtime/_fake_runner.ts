/**
 * Private test helper: a {@linkcode Runner} whose children are in-memory fakes speaking the
 * plugin protocol, so supervisor and process tests need no real process.
 */
import type { LaunchPlan } from "./launch_plan.ts";
import type { Runner, RunningChild } from "./runner.ts";
import type { PluginSpec } from "./supervisor_types.ts";
import { PROTOCOL_VERSION, SDK_VERSION } from "./shim/wire.ts";

/** How a fake plugin behaves. */
export interface FakePlugin {
  /** Filter handlers by name; a handler that never resolves hangs the call. */
  filters?: Record<string, (payload: unknown) => unknown | Promise<unknown>>;
  /** Action handlers by name (a plugin with only actions may be stopped when idle). */
  actions?: Record<string, (payload: unknown) => unknown | Promise<unknown>>;
  /** Exit with this code right after the handshake. */
  crashAfterReady?: number;
  /**
   * Wait for init, then send hello and ready in one write (as a real plugin can when the host's
   * pipelined init waited in its socket while it loaded). @default hello at once, ready on init
   */
  helloWithReady?: boolean;
  /** A graceful exit (shutdown frame, stdin closed) waits for this first. @default at once */
  shutdownDelay?: Promise<void>;
  /** Called when the host's init arrives. @default nothing */
  onInit?: () => void;
}

/** A launch plan for fakes: the fake runner reads nothing of it but records it. */
export const FAKE_PLAN: LaunchPlan = {
  argv: ["/fake"],
  env: {},
  envNames: [],
  cgroups: [],
  caps: "fake caps",
  cpuQuota: true,
  afterReady: [],
  paths: { data: "/data", tmp: "/tmp" },
  quota: { dataMb: 10, tmpMb: 10 },
};

/** The spec of plugin "fake" declaring `plugin`'s filters, launched with {@linkcode FAKE_PLAN}. */
export function fakeSpec(plugin: FakePlugin, timeoutMs = 1000): PluginSpec {
  return {
    id: "fake",
    version: "1.0.0",
    expectedHandlers: {
      actions: [],
      filters: Object.keys(plugin.filters ?? {}),
      gates: [],
      routes: [],
      cron: [],
      lifecycle: [],
    },
    limits: { memory_mb: 64, timeout_ms: timeoutMs, concurrency: 4 },
    plan: () => FAKE_PLAN,
  };
}

/** A runner that starts fakes, and what it saw. */
export interface FakeRunner extends Runner {
  /** Every plan started, in order. */
  readonly plans: LaunchPlan[];
  /** Children started and not yet exited. */
  readonly live: number;
}

/** A runner whose every start is a new fake running `plugin`. */
export function fakeRunner(plugin: FakePlugin): FakeRunner {
  const plans: LaunchPlan[] = [];
  let live = 0;
  let pid = 100_000;
  return {
    plans,
    get live() {
      return live;
    },
    start(plan) {
      plans.push(plan);
      live++;
      const child = fakeChild(plugin, ++pid);
      child.status.then(() => live--);
      return Promise.resolve(child);
    },
  };
}

function fakeChild(plugin: FakePlugin, pid: number): RunningChild {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const out = new TransformStream<Uint8Array, Uint8Array>();
  const err = new TransformStream<Uint8Array, Uint8Array>();
  const writer = out.writable.getWriter();
  let exit!: (s: { code: number; signal: Deno.Signal | null }) => void;
  const status = new Promise<{ code: number; signal: Deno.Signal | null }>((r) => exit = r);
  let done = false;
  const end = (code: number, signal: Deno.Signal | null) => {
    if (done) return;
    done = true;
    writer.close().catch(() => {});
    err.writable.close().catch(() => {});
    exit({ code, signal });
  };
  const send = (frame: unknown) => {
    if (!done) writer.write(enc.encode(JSON.stringify(frame) + "\n")).catch(() => {});
  };
  let buffer = "";
  const stdin = new WritableStream<Uint8Array>({
    write(chunk) {
      buffer += dec.decode(chunk, { stream: true });
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const frame = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        onFrame(frame);
      }
    },
    close: () => graceful(),
  });
  const graceful = () => void Promise.resolve(plugin.shutdownDelay).then(() => end(0, null));
  const onFrame = (f: { t: string; id?: number; name?: string; payload?: unknown }) => {
    if (f.t === "init") {
      plugin.onInit?.();
      if (plugin.helloWithReady) {
        const both = [hello(), { t: "ready" }].map((x) => JSON.stringify(x) + "\n").join("");
        if (!done) writer.write(enc.encode(both)).catch(() => {});
      } else send({ t: "ready" });
      if (plugin.crashAfterReady !== undefined) {
        setTimeout(() => end(plugin.crashAfterReady!, null));
      }
    } else if (f.t === "shutdown") graceful();
    else if (f.t === "call") {
      const handler = plugin.filters?.[f.name!] ?? plugin.actions?.[f.name!];
      Promise.resolve(f.name === "health" ? { status: "healthy" } : handler?.(f.payload)).then(
        (value) => send({ t: "result", id: f.id, ok: true, value }),
        (e) =>
          send({ t: "result", id: f.id, ok: false, error: { name: "Error", message: String(e) } }),
      );
    }
  };
  const hello = () => ({
    t: "hello",
    protocol: PROTOCOL_VERSION,
    sdk: SDK_VERSION,
    handlers: {
      actions: Object.keys(plugin.actions ?? {}),
      filters: Object.keys(plugin.filters ?? {}),
      gates: [],
      routes: [],
      cron: [],
      lifecycle: [],
    },
  });
  if (!plugin.helloWithReady) queueMicrotask(() => send(hello()));
  return {
    pid,
    stdin,
    stdout: out.readable,
    stderr: err.readable,
    status,
    released: status.then(() => {}),
    ready: () => Promise.resolve(),
    kill: (signal) => end(signal === "SIGKILL" ? 137 : 143, signal),
  };
}
