/**
 * The protocol socket (frames from the host reach a sandboxed plugin over a Unix socket): the shim
 * connects before the plugin's module loads and revokes the access the connect needed, the host
 * accepts one connection per launch and only with the launch's nonce. A malicious plugin trying
 * to connect again, to reopen the channel through the shim's own module, or to reach the socket on
 * the host gets nothing, keeps exactly its grant, and the host and the neighbour stay fine.
 */
import assert from "node:assert/strict";
import { PluginProcess, PluginStartError, processRunner } from "../../src/runtime/mod.ts";
import type { Runner } from "../../src/runtime/mod.ts";
import { waitFor } from "../runtime/_helpers.ts";
import { defineCorpus, type Outcome } from "./_harness.ts";
import { waitRunning } from "./_host.ts";

interface Probe {
  args: string[];
  read: string;
  write: string;
  net: string;
  request: string;
  connect: string;
  stat: string;
}

function probe(o: Outcome): Probe {
  assert.ok(o.ok, o.ok ? "" : o.error.message);
  return o.value as Probe;
}

const healthy = { kind: "filter" as const, name: "text.same", payload: { a: 1 } };

defineCorpus("channel", [
  {
    name: "connecting to its own protocol socket again is refused: access revoked, socket gone",
    fixture: "channel-prober",
    attempt: { name: "channel.reconnect" },
    expect: (o) => {
      const p = probe(o);
      assert.deepEqual(p.args, ["/plugd/channel.sock"], "the bootstrap was told the socket");
      assert.deepEqual([p.read, p.write, p.net], ["prompt", "prompt", "prompt"], "revoked");
      assert.equal(p.request, "denied", "and cannot be asked back");
      assert.match(p.connect, /^NotCapable/);
      assert.match(p.stat, /^NotCapable/);
    },
    healthy,
  },
  {
    name: "the socket's path on the host (the daemon's launch folder) is out of reach",
    fixture: "channel-prober",
    attempt: {
      name: "channel.reconnect",
      payload: (e) => ({ path: e.plugin!.plan.channel!.hostPath }),
    },
    expect: (o) => {
      const p = probe(o);
      assert.match(p.connect, /^NotCapable/);
      assert.match(p.stat, /^NotCapable/);
      assert.equal(p.request, "denied");
    },
    healthy,
  },
  {
    name: "reopening the channel through the shim's own module finds no nonce and no socket",
    fixture: "channel-prober",
    attempt: { name: "channel.reopen" },
    expect: (o) => {
      assert.ok(o.ok, o.ok ? "" : o.error.message);
      assert.match(String(o.value), /no channel nonce/);
    },
    // The frames still come on the one channel the shim opened.
    healthy,
  },
  {
    name: "the revoke takes nothing the plugin was granted",
    fixture: "channel-prober",
    grant: { read: ["$PLUGIN"], write: ["$DATA"], net: ["example.com:443"] },
    attempt: { name: "channel.grants" },
    expect: (o) => {
      assert.ok(o.ok, o.ok ? "" : o.error.message);
      assert.deepEqual(o.value, { plugin: "granted", data: "granted", net: "granted" });
    },
    healthy,
  },
  {
    name: "a connection that beats the plugin to its socket fails the launch, nothing else",
    fixture: "channel-prober",
    attempt: { kind: "filter", name: "text.same", payload: { a: 1 } },
    expect: async (_o, e) => {
      const plugin = e.plugin!;
      const plan = plugin.plan;
      await e.host.supervisor.stop(plugin.id);
      await waitFor(async () => {
        for (const c of plan.cgroups) if (await Deno.stat(c.dir).catch(() => null)) return false;
        return true;
      }, "the stopped process's cgroups to be released");
      // An intruder connects the moment the socket exists, before the plugin's shim can.
      const real = processRunner();
      let intruder: Promise<string> | undefined;
      const runner: Runner = {
        async start(p) {
          const child = await real.start(p);
          intruder = (async () => {
            let conn: Deno.UnixConn;
            try {
              conn = await Deno.connect({ transport: "unix", path: p.channel!.hostPath });
            } catch (err) {
              return `refused: ${(err as Error).name}`;
            }
            try {
              await conn.write(new TextEncoder().encode("garbage, not the nonce\n"));
              const answer = await conn.read(new Uint8Array(64));
              return answer === null ? "hung up on" : "answered";
            } catch {
              return "hung up on"; // reset: the listener closed with it still in its backlog
            } finally {
              conn.close();
            }
          })();
          return child;
        },
      };
      const started = await PluginProcess.start({
        pluginId: plugin.id,
        version: "1.0.0",
        plan,
        runner,
        expectedHandlers: {
          actions: ["channel.reconnect", "channel.reopen", "channel.grants"],
          filters: ["text.same"],
          gates: [],
          routes: [],
          cron: [],
          lifecycle: [],
        },
        hostHandler: e.host.memory,
      }).then((p) => p, (err) => err as Error);
      const seen = await intruder!;
      if (started instanceof PluginProcess) {
        // The plugin won the race: the intruder found the socket gone, or was reset from the
        // backlog when the socket closed; never served.
        assert.match(seen, /^(refused|hung up on)/);
        assert.deepEqual(await started.invoke("filter", "text.same", { b: 2 }), { b: 2 });
        await started[Symbol.asyncDispose]();
        await started.released;
      } else {
        // The intruder won: hung up on, and this launch failed (the plugin could not connect).
        assert.ok(started instanceof PluginStartError, String(started));
        assert.match(started.reason, /^(channel|exited)$/);
        assert.equal(seen, "hung up on");
      }
      await waitFor(async () => {
        for (const c of plan.cgroups) if (await Deno.stat(c.dir).catch(() => null)) return false;
        return true;
      }, "the probe launch's cgroups to be released");
      // The next launch is clean.
      await e.host.supervisor.start(plugin.id);
      await waitRunning(plugin);
    },
    healthy,
  },
]);
