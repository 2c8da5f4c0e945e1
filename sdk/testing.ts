/**
 * `@plugd/sdk/testing`: start a plugin folder under the real sandbox, with the same checks as an
 * install (manifest, package, bundled npm dependencies, module graph, type check, handlers), and
 * drive its handlers from a test. The work is done by the plugd installed on this machine (its
 * test harness, in a process of its own), so this module needs nothing but Deno.
 *
 * @example
 * ```ts
 * import { startPlugin } from "@plugd/sdk/testing";
 * Deno.test("formats", async () => {
 *   await using plugin = await startPlugin(new URL(".", import.meta.url).pathname);
 *   const out = await plugin.filter("notification.format", { text: "hi" });
 * });
 * ```
 * @module
 */
import type { GateDecision, SqlResult } from "./types.ts";
import type { HarnessRequest } from "./_testing_wire.ts";
import { type HarnessCall, spawnHarness } from "./_testing_harness.ts";

/** One line a plugin logged (stdout, stderr, `ctx.log`/console as `sdk`, the supervisor as `system`). */
export interface LogLine {
  /** Milliseconds since the epoch. */
  ts: number;
  /** Where it came from. */
  stream: "stdout" | "stderr" | "sdk" | "system";
  /** Its level. */
  level: "debug" | "info" | "warn" | "error";
  /** The text. */
  msg: string;
  /** Structured fields given to `ctx.log`. */
  fields?: Record<string, unknown>;
}

/** An event the plugin emitted with `ctx.emit`. */
export interface EmittedEvent {
  /** The plugin that emitted it. */
  pluginId: string;
  /** Its event type. */
  type: string;
  /** Its payload. */
  data: unknown;
  /** The event id `ctx.emit` resolved to. */
  id: string;
  /** The tenant of the call it was emitted from (the event carries it), or null. */
  tenant: string | null;
}

/** The host a plugin under test talks to, kept in memory and mirrored here as it changes. */
export interface TestHost {
  /** `ctx.storage` per plugin id: key → JSON value. */
  readonly storage: Map<string, Map<string, unknown>>;
  /** `ctx.storage` of calls made for a tenant, per tenant id: key → JSON value. */
  readonly tenantStorage: Map<string, Map<string, unknown>>;
  /** Every `ctx.emit`, in order. */
  readonly emitted: EmittedEvent[];
}

/** Options of {@linkcode startPlugin}. */
export interface StartPluginOptions {
  /** Settings, validated against the manifest's schema as the daemon does. @default {} */
  config?: Record<string, unknown>;
  /** The grant to run with. @default every permission the manifest requests */
  grant?: Record<string, string[]>;
  /** Overrides the manifest's `limits.timeout_ms`. */
  timeoutMs?: number;
  /** Applies the host's process caps (cgroup / rlimit). @default true */
  caps?: boolean;
  /** Type-checks the plugin as an install does. @default true */
  typeCheck?: boolean;
  /**
   * How long a cancelled command may take to answer before it is killed (the daemon gives 2 s).
   * @default 2000
   */
  cancelGraceMs?: number;
  /**
   * The tenants calls may be made for, each with its config overrides (a partial config: each
   * top-level setting replaces the plugin's, validated as the daemon validates them), e.g.
   * `{ acme: { channel: "#acme" }, globex: {} }`. @default none
   */
  tenants?: Record<string, Record<string, unknown>>;
}

/**
 * Makes a call for a tenant named in {@linkcode StartPluginOptions.tenants}: the handler gets
 * `ctx.tenant`, the tenant's config, storage and database, as in the daemon.
 */
export interface ForTenant {
  /** The tenant id; absent or null: a plugin-wide call. */
  tenant?: string | null;
}

/** Facts about the plugin's process (state, counters, memory). */
export interface TestPluginStats {
  /** `running`, `starting`, `backoff`, `failed`, ... */
  state: string;
  /** Calls made to the plugin. */
  invocations: number;
  /** Calls that failed. */
  errors: number;
  /** Calls that ran out of time. */
  timeouts: number;
  /** Restarts of the process. */
  restarts: number;
  /** The sandboxed process's id. */
  pid?: number;
  /** Resident memory of its process tree. */
  rssBytes?: number;
  /** More facts (denied attempts, protocol violations, caps, ...). */
  [fact: string]: unknown;
}

/** A running plugin under test. */
export interface TestPlugin extends AsyncDisposable {
  /** The plugin's id. */
  readonly id: string;
  /** Lines the plugin logged so far. */
  readonly logs: LogLine[];
  /** Storage and emitted events. */
  readonly host: TestHost;
  /**
   * The plugin's database (permission `db`): a temporary file, migrations applied; with
   * `init.tenant`, that tenant's database.
   */
  readonly db: { execute(sql: string, args?: unknown[], init?: ForTenant): Promise<SqlResult> };
  /**
   * Delivers an event to the matching action handler; resolves to its return value. With
   * `init.tenant` the event carries that tenant and the handler runs for it.
   */
  emit(type: string, data?: unknown, init?: ForTenant): Promise<unknown>;
  /** Applies the filter `name` (for `init.tenant`, if given); resolves to the new data. */
  filter(name: string, data: unknown, init?: ForTenant): Promise<unknown>;
  /** Asks the gate `name` (for `init.tenant`, if given). */
  gate(name: string, data: unknown, init?: ForTenant): Promise<GateDecision>;
  /** Calls a declared route (`:param` segments match as the daemon matches them). */
  route(
    method: string,
    path: string,
    init?: { headers?: HeadersInit; body?: string },
  ): Promise<Response>;
  /** Runs the cron job `name` now. */
  cron(name: string): Promise<void>;
  /**
   * Runs a command as `plugd <id> <name> [args...]` would; resolves to its exit code and output
   * (each chunk also goes to `onOutput` as it is written). `signal` cancels it like Ctrl-C.
   */
  command(
    name: string,
    args?: string[],
    init?: { onOutput?: (chunk: string) => void; signal?: AbortSignal },
  ): Promise<{ code: number; output: string }>;
  /** The process's state and counters. */
  stats(): Promise<TestPluginStats>;
}

/**
 * Prepares the plugin folder `dir` exactly as an install does and starts it under the real
 * sandbox. Rejects with the same message an install would give (a type error, a refused import,
 * a manifest problem, a handler missing from the module).
 */
export async function startPlugin(
  dir: string,
  options: StartPluginOptions = {},
): Promise<TestPlugin> {
  const logs: LogLine[] = [];
  const outputs = new Map<number, (chunk: string) => void>();
  const host: TestHost = { storage: new Map(), tenantStorage: new Map(), emitted: [] };
  const harness = spawnHarness((f) => {
    if (f.ev === "log" && logs.length < 10_000) logs.push(f.line as LogLine);
    if (f.ev === "out") outputs.get(f.id)?.(f.chunk);
    if (f.ev === "emitted") host.emitted.push(f.event);
    if (f.ev === "storage") {
      const [space, owner] = f.tenant === undefined
        ? [host.storage, f.pluginId]
        : [host.tenantStorage, f.tenant];
      let s = space.get(owner);
      if (!s) space.set(owner, s = new Map());
      if (f.deleted) s.delete(f.key);
      else s.set(f.key, f.value);
    }
  });
  const request = <T>(body: HarnessCall, id?: number) => harness.request<T>(body, id);
  const close = () => harness.close();
  let id: string;
  try {
    id = (await request<{ id: string }>({ op: "start", dir, options } as HarnessRequest)).id;
  } catch (error) {
    await close();
    throw error;
  }
  return {
    id,
    logs,
    host,
    db: {
      execute: (sql, args, init) =>
        request<SqlResult>({ op: "db", sql, args, tenant: init?.tenant } as HarnessRequest),
    },
    emit: (type, data, init) =>
      request({ op: "emit", type, data, tenant: init?.tenant } as HarnessRequest),
    filter: (name, data, init) =>
      request({ op: "filter", name, data, tenant: init?.tenant } as HarnessRequest),
    gate: (name, data, init) =>
      request<GateDecision>({ op: "gate", name, data, tenant: init?.tenant } as HarnessRequest),
    async route(method, path, init = {}) {
      const r = await request<{ status: number; headers: [string, string][]; body: string }>(
        {
          op: "route",
          method,
          path,
          headers: [...new Headers(init.headers)],
          body: init.body,
        } as HarnessRequest,
      );
      const body = (Uint8Array as unknown as { fromBase64(s: string): Uint8Array<ArrayBuffer> })
        .fromBase64(r.body);
      return new Response(r.status === 204 || r.status === 304 ? null : body, {
        status: r.status,
        headers: r.headers,
      });
    },
    async cron(name) {
      await request({ op: "cron", name } as HarnessRequest);
    },
    async command(name, args = [], init = {}) {
      const id = harness.nextId();
      let output = "";
      outputs.set(id, (chunk) => {
        output += chunk;
        init.onOutput?.(chunk);
      });
      const cancel = () =>
        void request({ op: "cancel", target: id } as HarnessRequest).catch(() => {});
      init.signal?.addEventListener("abort", cancel, { once: true });
      try {
        const code = await request<number>({ op: "command", name, args } as HarnessRequest, id);
        return { code, output };
      } finally {
        outputs.delete(id);
        init.signal?.removeEventListener("abort", cancel);
      }
    },
    stats: () => request<TestPluginStats>({ op: "stats" } as HarnessRequest),
    async [Symbol.asyncDispose]() {
      await request({ op: "stop" } as HarnessRequest).catch(() => {});
      await close();
    },
  };
}
