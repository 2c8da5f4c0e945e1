/**
 * The corpus against the REAL daemon process: install-time refusals over the API, and a plugin
 * that attacks the daemon itself (HTTP port in every loopback spelling, Unix socket, state files,
 * environment, forged storage calls, daemon-only events) from `onEnable`, next to a well-behaved
 * neighbour. The daemon must refuse or contain each attempt, count the denials, and keep serving.
 */
import assert from "node:assert/strict";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../runtime/_helpers.ts";
import { ENV_CANARY, MALICIOUS, writeJsonCanary } from "./_host.ts";
import { loopbackAlias } from "./_net_cases.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const NEIGHBOUR_DIR = new URL("./_neighbour", import.meta.url).pathname;

async function api(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function installAndEnable(d: TestDaemon, source: string, config?: unknown) {
  const install = await api(d, "POST", "/v1/plugins", { source });
  assert.equal(install.status, 201, JSON.stringify(install.body));
  const id = install.body.id as string;
  if (config) {
    const r = await api(d, "PUT", `/v1/plugins/${id}/config`, { config });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const grant = await api(d, "POST", `/v1/plugins/${id}/grant`, {
    permissions: install.body.requested,
  });
  assert.equal(grant.status, 200, JSON.stringify(grant.body));
  const enable = await api(d, "POST", `/v1/plugins/${id}/enable`);
  assert.equal(enable.status, 200, JSON.stringify(enable.body));
  return id;
}

async function assertServing(d: TestDaemon): Promise<void> {
  assert.equal((await d.fetch("/v1/health")).status, 200);
  const sock = await d.fetchSocket("/v1/health");
  assert.equal(sock.status, 200);
  await sock.body?.cancel();
  const n = await api(d, "GET", "/v1/plugins/good-neighbour");
  assert.equal(n.body.stats.state, "running");
  assert.equal(n.body.stats.restarts, 0);
}

Deno.test(
  "daemon: install refuses packages whose module graph leaves the plugin",
  OPTS,
  async () => {
    await writeJsonCanary();
    await using d = await startDaemon();
    await installAndEnable(d, NEIGHBOUR_DIR);
    for (
      const [fixture, reason] of [
        ["literal-shadow", /file:\/\/\/etc\/shadow.*not allowed/],
        ["literal-json", /plugd-security-canary\.json.*not allowed/],
        ["remote-import", /https:\/\/deno\.land.*not allowed/],
        ["npm-import", /npm:left-pad.*not allowed/],
      ] as const
    ) {
      const r = await api(d, "POST", "/v1/plugins", { source: `${MALICIOUS}${fixture}` });
      assert.ok(r.status >= 400 && r.status < 500, `${fixture}: ${r.status}`);
      assert.match(r.body.detail, reason);
      assert.equal((await api(d, "GET", `/v1/plugins/${fixture}`)).status, 404, "nothing kept");
    }
    await assertServing(d);
  },
);

Deno.test(
  "daemon: a plugin attacking the daemon is contained, counted and logged",
  OPTS,
  async () => {
    const alias = await loopbackAlias();
    await using d = await startDaemon({ env: { [ENV_CANARY]: "env-canary-4711" } });
    await installAndEnable(d, NEIGHBOUR_DIR);
    const neighbourBytes = (await api(d, "GET", "/v1/plugins/good-neighbour")).body.stats
      .storage_bytes;
    assert.ok(neighbourBytes > 0);
    const token = d.token;
    await installAndEnable(d, `${MALICIOUS}daemon-prober`, {
      port: String(d.port),
      socket: d.socketPath,
      state: d.stateDir,
      alias: alias ?? "",
    });
    const logs = await waitFor(async () => {
      const r = await api(d, "GET", "/v1/plugins/daemon-prober/logs?limit=1000");
      const lines = r.body.lines as { msg: string }[];
      return lines.some((l) => l.msg.startsWith("PROBES DONE")) ? lines : undefined;
    }, "the prober to finish");
    const text = logs.map((l) => l.msg).join("\n");
    assert.doesNotMatch(text, /LEAKED/);
    for (const secret of [token, "env-canary-4711", "root:"]) {
      assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 8)}...`);
    }
    const probes = logs.filter((l) => / blocked: /.test(l.msg));
    assert.ok(probes.length >= 17, `all probes ran: ${probes.length}`);
    // The forged storage calls landed in the prober's own storage, never the neighbour's.
    assert.match(text, /PROBES DONE own keys: \["marker","secret"\]/);
    const view = (await api(d, "GET", "/v1/plugins/daemon-prober")).body;
    assert.equal(view.stats.state, "running");
    assert.ok(view.stats.denied.count >= 10, `denials counted: ${view.stats.denied.count}`);
    assert.ok(view.stats.emit_denied >= 1, "the plugin.failed emit was refused and counted");
    assert.match(text, /permission denied: Requires net access/);
    const neighbour = (await api(d, "GET", "/v1/plugins/good-neighbour")).body;
    assert.equal(
      neighbour.stats.storage_bytes,
      neighbourBytes,
      "the neighbour's storage is intact",
    );
    await assertServing(d);
    assert.doesNotMatch(d.log(), /uncaught|panic/i);
  },
);
