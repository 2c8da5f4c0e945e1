/**
 * Table-driven security corpus (SPEC §5): each case starts a real malicious plugin under the real
 * sandbox in a shared {@linkcode SecurityHost}, makes one attempt, and asserts
 *
 * 1. the attempt fails, the plugin is killed, or it was refused at preparation, with the reason
 *    visible (error message, log line, `stats.denied`);
 * 2. the host keeps serving (the supervisor answers, the plugin is running again);
 * 3. the well-behaved neighbour keeps answering and never restarted;
 * 4. nothing outside the plugin's scope changed (state dir snapshot, canaries, no loopback
 *    connection, no leaked secret in the result or the logs).
 *
 * Add a case by appending to a table; add a fixture under `tests/fixtures/malicious/<name>/`.
 */
import assert from "node:assert/strict";
import type { Permissions } from "../../src/manifest/types.ts";
import { PluginExitedError, PluginTimeoutError } from "../../src/runtime/mod.ts";
import { waitFor } from "../runtime/_helpers.ts";
import {
  type Launched,
  type LaunchOptions,
  MALICIOUS,
  SecurityHost,
  waitRunning,
} from "./_host.ts";

/** What the case may read while building its payload or checking its outcome. */
export interface CaseEnv {
  host: SecurityHost;
  /** The plugin under test (absent for refused-at-install cases). */
  plugin?: Launched;
  /** Folders of the plugin (known before start, e.g. to plant a symlink). */
  dataDir: string;
}

/** The result of the attempt. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

/** What must happen. */
export type Expectation =
  /** Preparation (the module graph check) refuses the package. */
  | "refused-at-install"
  /** The call rejects; the plugin keeps running. */
  | "fails"
  /** The plugin is killed (timeout, OOM, exit), then restarted and healthy. */
  | "killed"
  /** A custom assertion on the outcome (the common checks still run). */
  | ((outcome: Outcome, env: CaseEnv) => void | Promise<void>);

/** One malicious attempt. */
export interface SecurityCase {
  name: string;
  /** Folder under `tests/fixtures/malicious/`. */
  fixture: string;
  /** Grant override; a function gets the host (e.g. for the loopback port). */
  grant?: Permissions | ((host: SecurityHost) => Permissions);
  /** How to start it (wall selection, graph-check bypass, timeout). */
  launch?: Omit<LaunchOptions, "grant" | "id">;
  /** Runs before the plugin starts (e.g. plant a symlink in `$DATA` as root). */
  setup?: (env: CaseEnv) => Promise<void>;
  /** Which handler to call; `action` by default. */
  attempt: {
    kind?: "action" | "filter";
    name: string;
    /** A JSON value, or a function of the case's environment returning one. */
    payload?: ((env: CaseEnv) => unknown) | Record<string, unknown> | string | number;
  };
  expect: Expectation;
  /** Must match the error message (or, for custom expectations, the result or the logs). */
  reason?: RegExp;
  /** The plugin's denied counter must grow (a permission denial the operator sees). */
  denied?: boolean;
  /** Strings that must appear nowhere in the outcome or the plugin's logs. */
  secrets?: string[];
  /** A handler that must work after the attempt (for "killed": after the restart). */
  healthy?: { kind: "action" | "filter"; name: string; payload?: unknown };
}

/** Secrets every case checks for. */
export const ALWAYS_SECRET = ["state-secret-4711", "json-canary-4711", "env-canary-4711", "root:"];

function describeOutcome(o: Outcome): string {
  return o.ok ? `ok: ${JSON.stringify(o.value)?.slice(0, 500)}` : `error: ${o.error.message}`;
}

/** Run one case against `host`. */
export async function runCase(host: SecurityHost, c: SecurityCase): Promise<void> {
  const grant = typeof c.grant === "function" ? c.grant(host) : c.grant;
  const connections = host.loopback.connections;
  const id = `${c.fixture}-${crypto.randomUUID().slice(0, 8)}`;
  const own = `${host.stateDir}/${id}`;
  const env: CaseEnv = { host, dataDir: `${own}/data` };
  // Refused packages leave nothing but their own folder; started ones only their $DATA/$TMP.
  let skip = [own];
  let before = await host.snapshot(skip);
  if (c.setup) {
    await Deno.mkdir(env.dataDir, { recursive: true });
    await c.setup(env);
  }
  let plugin: Launched | undefined;
  try {
    try {
      plugin = await host.launch(`${MALICIOUS}${c.fixture}`, { ...c.launch, grant, id });
    } catch (e) {
      if (c.expect !== "refused-at-install") throw e;
      assert.match(String((e as Error).message), c.reason ?? /not allowed/);
      return;
    }
    assert.notEqual(c.expect, "refused-at-install", `${c.fixture} was NOT refused at install`);
    skip = [`${own}/data`, `${own}/tmp`];
    before = await host.snapshot(skip);
    env.plugin = plugin;
    const deniedBefore = (await plugin.stats()).denied.count;
    const payload = typeof c.attempt.payload === "function"
      ? (c.attempt.payload as (e: CaseEnv) => unknown)(env)
      : c.attempt.payload;
    const kind = c.attempt.kind ?? "action";
    const outcome: Outcome = await (kind === "action"
      ? plugin.emit(c.attempt.name, payload)
      : plugin.invoke(kind, c.attempt.name, payload))
      .then((value) => ({ ok: true as const, value }), (error) => ({ ok: false as const, error }));

    // 1. The attempt failed, was killed, or the custom assertion holds; the reason is visible.
    if (c.expect === "fails" || c.expect === "killed") {
      assert.ok(!outcome.ok, `${c.name}: expected a failure, got ${describeOutcome(outcome)}`);
      if (c.reason) {
        assert.match(outcome.error.message, c.reason);
      }
      if (c.expect === "killed") {
        assert.ok(
          outcome.error instanceof PluginTimeoutError || outcome.error instanceof PluginExitedError,
          `${c.name}: expected a kill, got ${outcome.error.name}: ${outcome.error.message}`,
        );
        await waitFor(
          () =>
            plugin!.logs().some((l) =>
              /process exited/.test(l.msg)
            ),
          "the exit to be logged",
        );
        await waitRunning(plugin);
      } else {
        assert.ok(
          !(outcome.error instanceof PluginTimeoutError),
          `${c.name}: timed out instead of failing`,
        );
      }
    } else if (typeof c.expect === "function") {
      await c.expect(outcome, env);
      if (c.reason) {
        const text = describeOutcome(outcome) + plugin.logs().map((l) =>
          l.msg
        ).join("\n");
        assert.match(text, c.reason);
      }
    }
    if (c.denied) {
      const s = await waitFor(async () => {
        const s = await plugin!.stats();
        return s.denied.count > deniedBefore ? s : undefined;
      }, `${c.name}: the denial to be counted`);
      assert.ok(s.denied.recent.length > 0);
      assert.ok(plugin.logs().some((l) => /permission denied/.test(l.msg)));
    }
    // 4. Nothing leaked: not in the result, not in the logs.
    const visible = describeOutcome(outcome) + "\n" +
      plugin.logs().map((l) => l.msg + JSON.stringify(l.fields ?? {})).join("\n");
    for (const secret of [...ALWAYS_SECRET, ...(c.secrets ?? [])]) {
      assert.ok(
        !visible.includes(secret),
        `${c.name}: "${secret}" leaked: ${visible.slice(0, 500)}`,
      );
    }
    // 2. The host keeps serving this plugin (restarted if it was killed).
    if (c.healthy) {
      const s = await waitRunning(plugin);
      assert.equal(s.state, "running");
      await plugin.invoke(c.healthy.kind, c.healthy.name, c.healthy.payload);
    }
  } finally {
    if (plugin) await host.remove(plugin);
    // 3. The neighbour still answers; 4. nothing outside changed, no loopback connection.
    await host.assertNeighbourServes();
    const after = await host.snapshot(skip);
    if (after !== before) {
      // Name only the lines that differ (the whole listing is too long to read in a diff).
      const [was, now] = [new Set(before.split("\n")), new Set(after.split("\n"))];
      const gone = [...was].filter((l) => !now.has(l));
      const added = [...now].filter((l) => !was.has(l));
      assert.fail(
        `${c.name}: files outside the plugin changed: gone ${JSON.stringify(gone)}, added ${
          JSON.stringify(added)
        }`,
      );
    }
    assert.equal(host.loopback.connections, connections, `${c.name}: reached the loopback server`);
  }
}

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;

/**
 * Register one `Deno.test` per case, sharing one host per file (created by the first test and
 * disposed by the last). Names are prefixed with `prefix`.
 */
export function defineCorpus(
  prefix: string,
  cases: SecurityCase[],
  options: { caps?: boolean } = {},
): void {
  let host: Promise<SecurityHost> | undefined;
  for (const c of cases) {
    Deno.test(`${prefix}: ${c.name}`, OPTS, async () => {
      host ??= SecurityHost.create(options);
      await runCase(await host, c);
    });
  }
  Deno.test(`${prefix}: teardown`, OPTS, async () => {
    if (host) await (await host)[Symbol.asyncDispose]();
  });
}
