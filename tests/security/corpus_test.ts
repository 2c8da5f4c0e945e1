/**
 * The security corpus with all three walls up (Deno flags + bubblewrap + cgroup caps): the way
 * the daemon runs plugins. Each row is a real malicious plugin making one attempt.
 */
import assert from "node:assert/strict";
import { defineCorpus, type SecurityCase } from "./_harness.ts";
import { JSON_CANARY, NEIGHBOUR } from "./_host.ts";
import { loopbackAlias, netCases } from "./_net_cases.ts";
import { resourceCases } from "./_resource_cases.ts";

const read = (name: string, path: string | ((s: string) => string)): SecurityCase => ({
  name: `read ${name}`,
  fixture: "file-thief",
  attempt: {
    name: "steal.read",
    payload: (e) => ({ path: typeof path === "string" ? path : path(e.host.stateDir) }),
  },
  expect: "fails",
  reason: /Requires read access/,
  denied: true,
});
const computedImport = (name: string, spec: string, type?: string): SecurityCase => ({
  name: `computed import() of ${name}`,
  fixture: "file-thief",
  attempt: { name: "steal.import", payload: { spec, type } },
  expect: "fails",
});
const refused = (fixture: string, reason: RegExp): SecurityCase => ({
  name: `install-time graph check refuses ${fixture}`,
  fixture,
  attempt: { name: "unused" },
  expect: "refused-at-install",
  reason,
});

const files: SecurityCase[] = [
  read("/etc/passwd", "/etc/passwd"),
  read("/etc/shadow", "/etc/shadow"),
  read("/proc/self/environ", "/proc/self/environ"),
  read("/proc/1/environ", "/proc/1/environ"),
  read("a secret file in the daemon's state dir", (s) => `${s}/secret.token`),
  read("the neighbour's code", `${NEIGHBOUR}/main.ts`),
  {
    name: "list the daemon's state dir",
    fixture: "file-thief",
    attempt: { name: "steal.readdir", payload: (e) => ({ path: e.host.stateDir }) },
    expect: "fails",
    reason: /Requires read access/,
    denied: true,
  },
  ...[["/etc/passwd", "/etc/passwd"], ["a state dir secret", "STATE/secret.token"]].map((
    [what, target],
  ): SecurityCase => ({
    name: `read ${what} through a symlink planted in $DATA`,
    fixture: "file-thief",
    // Planted by root before start: Deno follows symlinks inside an allowed folder, so only the
    // mount namespace (which has no such file) stops this.
    setup: async (e) =>
      await Deno.symlink(target!.replace("STATE", e.host.stateDir), `${e.dataDir}/link`),
    // Inside the sandbox $DATA is always /data.
    attempt: { name: "steal.read", payload: { path: "/data/link" } },
    expect: "fails",
    reason: /No such file|NotFound|not found/i,
  })),
  ...[
    ["the state dir", (s: string) => `${s}/evil.txt`],
    ["the neighbour's $DATA", (s: string) => `${s}/neighbour/data/evil.txt`],
    ["/tmp", () => "/tmp/plugd-security-evil.txt"],
  ].map(([where, path]): SecurityCase => ({
    name: `write outside $DATA: ${where}`,
    fixture: "file-thief",
    attempt: {
      name: "steal.write",
      payload: (e) => ({ path: (path as (s: string) => string)(e.host.stateDir) }),
    },
    expect: "fails",
    reason: /Requires write access/,
    denied: true,
  })),
  {
    name: "Deno.env.toObject()",
    fixture: "file-thief",
    attempt: { name: "steal.env" },
    expect: "fails",
    reason: /Requires env access/,
    denied: true,
  },
  {
    name: "chmod/setuid tricks in $DATA get nowhere (runs as an unprivileged uid)",
    fixture: "file-thief",
    attempt: { name: "steal.setuid" },
    expect: async (o, e) => {
      assert.ok(o.ok, o.ok ? "" : o.error.message);
      const v = o.value as { path: string; chown: string };
      assert.match(
        v.chown,
        /not permitted|PermissionDenied|Invalid argument/i,
        "chown to root must fail",
      );
      assert.equal(v.path, "/data/suid", "the plugin sees $DATA at its fixed path");
      const st = await Deno.stat(`${e.plugin!.dataDir}/suid`);
      assert.notEqual(st.uid, 0, "the file (and so the plugin) is not root");
      if (Deno.uid() === 0) assert.equal(st.uid, await e.host.uids.uidOf(e.plugin!.id));
    },
  },
  {
    name: "localStorage and the Cache API do not persist across a restart",
    fixture: "file-thief",
    attempt: { name: "steal.persist", payload: { value: "smuggled-4711" } },
    expect: async (_o, e) => {
      await e.host.supervisor.restart(e.plugin!.id);
      const v = await e.plugin!.emit("steal.recall") as Record<string, unknown>;
      assert.notEqual(v.localStorage, "smuggled-4711", "localStorage persisted");
      assert.notEqual(v.cache, "smuggled-4711", "the Cache API persisted");
    },
  },
  refused("literal-shadow", /file:\/\/\/etc\/shadow.*not allowed/),
  refused("literal-json", /plugd-security-canary\.json.*not allowed/),
  refused("remote-import", /https:\/\/deno\.land.*not allowed/),
  refused("npm-import", /npm:left-pad.*not allowed/),
  {
    name: "literal import of /etc/shadow that slipped past the graph check finds no such file",
    fixture: "literal-shadow",
    launch: { prepare: "bypass" },
    attempt: { name: "steal.shadow" },
    expect: "fails",
    reason: /No such file|not found/i,
  },
  {
    name: "static JSON import of an outside file that slipped past the graph check cannot start",
    fixture: "literal-json",
    launch: { prepare: "bypass" },
    attempt: { name: "steal.json" },
    expect: "refused-at-install",
    reason: /plugd-security-canary\.json|exited/,
  },
  computedImport("/etc/passwd as text", "file:///etc/passwd", "text"),
  computedImport("an outside JSON file", `file://${JSON_CANARY}`, "json"),
  computedImport("the neighbour's module", `file://${NEIGHBOUR}/main.ts`),
  computedImport("/proc/self/environ", "file:///proc/self/environ", "text"),
  computedImport("https: code", "https://deno.land/std@0.224.0/version.ts"),
  computedImport("npm: code", "npm:left-pad@1.3.0"),
  computedImport("jsr: code", "jsr:@std/path@1"),
];

const run: SecurityCase[] = [
  ["Deno.Command", "run.command", /Requires run access/],
  ["node:child_process", "run.child_process", /Requires run access|NotCapable/],
  ["Deno.dlopen", "run.dlopen", /Requires ffi access/],
].map(([what, name, reason]) => ({
  name: `${what} is refused`,
  fixture: "escaper",
  attempt: { name: name as string },
  expect: "fails" as const,
  reason: reason as RegExp,
}));

const alias = await loopbackAlias();

defineCorpus("all walls", [
  ...files,
  ...run,
  ...netCases(alias),
  ...resourceCases(),
]);
