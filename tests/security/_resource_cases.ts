/** Resource and protocol cases: loops, memory, floods, forged frames, refusing to exit. */
import assert from "node:assert/strict";
import { waitFor } from "../runtime/_helpers.ts";
import type { CaseEnv, Outcome, SecurityCase } from "./_harness.ts";
import { waitRunning } from "./_host.ts";

const same = { kind: "filter" as const, name: "text.same", payload: { a: 1 } };

async function flooded(o: Outcome, e: CaseEnv): Promise<void> {
  assert.ok(o.ok, o.ok ? "" : o.error.message);
  const s = await waitFor(async () => {
    const s = await e.plugin!.stats();
    return s.droppedLogs > 0 ? s : undefined;
  }, "dropped log lines to be counted");
  assert.equal(s.state, "running");
  // The call's result can come before the host has read the end of the flood on another stream:
  // the report of the 50 MiB line is awaited, and it must name the whole line's size.
  await waitFor(
    () => e.plugin!.logs().some((l) => /line of 524\d{5} bytes discarded/.test(l.msg)),
    "the 50 MiB line to be reported discarded, not buffered",
  );
  // The host's memory stayed bounded (it never held the 100 MB).
  assert.ok(Deno.memoryUsage().rss < 1024 * 1024 * 1024, "host RSS stays bounded");
}

function processGone(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return false;
  } catch {
    return true;
  }
}

/** Plugins that pass no sandboxed code test but abuse CPU, memory, output and the protocol. */
export function resourceCases(): SecurityCase[] {
  return [
    {
      name: "a synchronous infinite loop is killed on timeout and restarted",
      fixture: "cpu-burner",
      attempt: { name: "cpu.spin" },
      expect: "killed",
      reason: /did not answer|timed out|timeout/i,
      healthy: same,
    },
    {
      name: "an async loop that starves its event loop is killed on timeout and restarted",
      fixture: "cpu-burner",
      attempt: { name: "cpu.starve" },
      expect: "killed",
      healthy: same,
    },
    {
      name: "ArrayBuffers past the memory limit kill the plugin, not the host",
      fixture: "mem-hog",
      attempt: { name: "mem.buffers", payload: { mb: 2048 } },
      expect: "killed",
      healthy: same,
    },
    {
      name: "50 Workers that each allocate are contained",
      fixture: "mem-hog",
      attempt: { name: "mem.workers", payload: { count: 50, mb: 64 } },
      expect: async (o, e) => {
        // Either the pids cap refuses threads (the call fails) or the memory cap kills it.
        assert.ok(!o.ok, `50 workers x 64 MiB succeeded: ${JSON.stringify(o.ok && o.value)}`);
        await waitRunning(e.plugin!);
      },
      healthy: same,
    },
    {
      name: "100 MB on the protocol channel is discarded, rate-limited and counted",
      fixture: "flooder",
      attempt: { name: "flood.channel" },
      expect: async (o, e) => {
        await flooded(o, e);
        assert.ok((await e.plugin!.stats()).protocolViolations >= 1);
      },
    },
    {
      name: "100 MB on stdout is discarded and rate-limited",
      fixture: "flooder",
      attempt: { name: "flood.stdout" },
      expect: flooded,
    },
    {
      name: "frames printed on stdout are plain output: no result, host call or log passes",
      fixture: "forger",
      attempt: { name: "forge.stdout" },
      expect: async (o, e) => {
        assert.ok(o.ok, o.ok ? "" : o.error.message);
        assert.deepEqual(o.value, { value: "genuine", keys: [] }, "no forged result, no write");
        const logs = await waitFor(() => {
          const logs = e.plugin!.logs();
          return logs.some((l) => /PRINTED FRAME/.test(l.msg)) ? logs : undefined;
        }, "the printed frames to show as output");
        const printed = logs.filter((l) => /PRINTED FRAME/.test(l.msg));
        assert.ok(printed.every((l) => l.stream === "stdout"), JSON.stringify(printed));
        assert.equal((await e.plugin!.stats()).protocolViolations, 0);
      },
    },
    {
      name: "100 MB on stderr is discarded and rate-limited",
      fixture: "flooder",
      attempt: { name: "flood.stderr" },
      expect: flooded,
    },
    {
      name: "invalid frames and forged result ids are violations, nothing more",
      fixture: "forger",
      attempt: { name: "forge.frames" },
      expect: async (o, e) => {
        assert.ok(o.ok, o.ok ? "" : o.error.message);
        assert.equal(o.value, "still fine");
        const s = await waitFor(async () => {
          const s = await e.plugin!.stats();
          return s.protocolViolations >= 8 ? s : undefined;
        }, "violations to be counted");
        assert.equal(s.state, "running");
        assert.ok(e.plugin!.logs().some((l) => /not a pending call/.test(l.msg)));
      },
    },
    {
      name: "host calls naming another plugin still hit the caller's own storage",
      fixture: "forger",
      setup: (e) => {
        e.host.memory.storage.set("neighbour", new Map([["secret", "keep-me"]]));
        return Promise.resolve();
      },
      attempt: { name: "forge.storage", payload: { victim: "neighbour" } },
      expect: (o, e) => {
        assert.ok(o.ok, o.ok ? "" : o.error.message);
        assert.deepEqual(o.value, ["owned"], "the forged set landed in its own storage");
        const victim = e.host.memory.storage.get("neighbour");
        assert.deepEqual(
          [...victim!],
          [["secret", "keep-me"]],
          "the neighbour's storage is intact",
        );
        assert.equal(e.host.memory.storage.get(e.plugin!.id)?.get("owned"), "pwned");
      },
    },
    {
      name: "a plugin that ignores shutdown, EOF and SIGTERM is killed after the grace period",
      fixture: "stubborn",
      attempt: { kind: "filter", name: "text.same", payload: { a: 1 } },
      expect: async (o, e) => {
        assert.ok(o.ok);
        const pid = (await e.plugin!.stats()).pid!;
        await e.host.supervisor.stop(e.plugin!.id);
        assert.equal(e.host.supervisor.state(e.plugin!.id), "stopped");
        await waitFor(() => processGone(pid), "the process to be gone");
        const dir = e.plugin!.dataDir;
        const left = [...Deno.readDirSync("/proc")].filter((d) => /^\d+$/.test(d.name)).filter(
          (d) => {
            try {
              return Deno.readTextFileSync(`/proc/${d.name}/cmdline`).includes(dir);
            } catch {
              return false;
            }
          },
        );
        assert.deepEqual(left, [], "no process of the plugin survives");
      },
    },
    {
      name: "exiting in the middle of a call fails that call and restarts the plugin",
      fixture: "quitter",
      attempt: { name: "quit.now" },
      expect: "killed",
      reason: /exited/,
      healthy: same,
    },
  ];
}
