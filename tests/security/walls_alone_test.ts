/**
 * Each wall alone, so a regression in one is caught while the other still holds:
 * - "flags only": PLUGD_SANDBOX=flags (no bubblewrap) — the Deno flags must still stop the plain
 *   reads, writes, env, net and run attempts;
 * - "bwrap only": the Deno flags widened to --allow-read/--allow-write/--allow-env/--allow-run
 *   (a grant the permission checker would never produce, so the command is built directly) —
 *   the mount and network namespaces must still hide /etc/shadow, the state dir and loopback.
 */
import assert from "node:assert/strict";
import { defineCorpus, type Outcome, type SecurityCase } from "./_harness.ts";
import { ENV_CANARY, JSON_CANARY } from "./_host.ts";
import { loopbackAlias } from "./_net_cases.ts";

const flags: SecurityCase["launch"] = { mode: "flags" };
const thief = (
  name: string,
  attempt: SecurityCase["attempt"],
  reason: RegExp,
  launch = flags,
): SecurityCase => ({ name, fixture: "file-thief", launch, attempt, expect: "fails", reason });

const alias = await loopbackAlias();
const flagsOnly: SecurityCase[] = [
  // /etc/passwd and the JSON canary are world-readable: only the Deno flags stand in the way.
  thief(
    "read /etc/passwd",
    { name: "steal.read", payload: { path: "/etc/passwd" } },
    /Requires read access/,
  ),
  thief("read a world-readable file outside", {
    name: "steal.read",
    payload: { path: JSON_CANARY },
  }, /Requires read access/),
  thief("read /proc/self/environ", {
    name: "steal.read",
    payload: { path: "/proc/self/environ" },
  }, /Requires read access/),
  thief("write outside $DATA", {
    name: "steal.write",
    payload: (e) => ({ path: `${e.host.stateDir}/evil.txt` }),
  }, /Requires write access/),
  thief("Deno.env.toObject()", { name: "steal.env" }, /Requires env access/),
  thief("computed import() of an outside file", {
    name: "steal.import",
    payload: { spec: `file://${JSON_CANARY}`, type: "json" },
  }, /Requires read access|not found/i),
  ...[
    "http://127.0.0.1:PORT/",
    "http://0.0.0.0:PORT/",
    "http://2130706433:PORT/",
    "https://example.org/",
  ]
    .map((url): SecurityCase => ({
      name: `fetch ${url.replace(":PORT", "")}`,
      fixture: "net-prober",
      launch: flags,
      attempt: {
        name: "net.fetch",
        payload: (e) => ({ url: url.replace("PORT", String(e.host.loopback.port)) }),
      },
      expect: "fails",
      reason: /Requires net access/,
      denied: true,
    })),
  ...(alias
    ? [
      {
        name: `a granted name (${alias}) resolving to loopback is stopped by --deny-net`,
        fixture: "net-prober",
        launch: flags,
        grant: (h) => ({ net: [`${alias}:${h.loopback.port}`] }),
        attempt: {
          name: "net.fetch",
          payload: (e) => ({ url: `http://${alias}:${e.host.loopback.port}/` }),
        },
        expect: "fails",
        reason: /Requires net access to "127\.0\.0\.1/,
      } satisfies SecurityCase,
    ]
    : []),
  ...["run.command", "run.child_process", "run.dlopen"].map((name): SecurityCase => ({
    name: name,
    fixture: "escaper",
    launch: flags,
    attempt: { name },
    expect: "fails",
    // node:child_process polyfill asks for env access first: refused either way.
    reason: /Requires (run|ffi|env) access/,
  })),
];

const wide: SecurityCase["launch"] = {
  widenDenoFlags: ["--allow-read", "--allow-write", "--allow-env", "--allow-run"],
};
const notThere = /No such file|NotFound|not found/i;
/** The folder of the host's libc as ldd named it (bound at the same path in the sandbox). */
const libcFolder = (libs: string[]) => {
  const libc = libs.find((l) => /\/libc\.so\.\d+$/.test(l))!;
  return libc.slice(0, libc.lastIndexOf("/"));
};
const bwrapOnly: SecurityCase[] = [
  thief(
    "read /etc/shadow",
    { name: "steal.read", payload: { path: "/etc/shadow" } },
    notThere,
    wide,
  ),
  thief(
    "read /etc/passwd",
    { name: "steal.read", payload: { path: "/etc/passwd" } },
    notThere,
    wide,
  ),
  thief(
    "read a state dir secret",
    {
      name: "steal.read",
      payload: (e) => ({ path: `${e.host.stateDir}/secret.token` }),
    },
    notThere,
    wide,
  ),
  thief(
    "computed import() of /etc/shadow",
    {
      name: "steal.import",
      payload: { spec: "file:///etc/shadow", type: "text" },
    },
    notThere,
    wide,
  ),
  {
    name: "literal import of /etc/shadow past the graph check",
    fixture: "literal-shadow",
    launch: { ...wide, prepare: "bypass" },
    attempt: { name: "steal.shadow" },
    expect: "fails",
    reason: notThere,
  },
  {
    name: "the host's state dir does not exist inside the sandbox",
    fixture: "file-thief",
    launch: wide,
    attempt: { name: "steal.readdir", payload: (e) => ({ path: e.host.stateDir }) },
    expect: "fails",
    reason: /NotFound|No such file/,
  },
  {
    name: "the root holds only the sandbox's fixed folders",
    fixture: "file-thief",
    launch: wide,
    attempt: { name: "steal.readdir", payload: { path: "/" } },
    expect: (o: Outcome) => {
      assert.ok(o.ok, o.ok ? "" : o.error.message);
      const dirs = (o.value as string[]).filter((d) => !/^lib/.test(d));
      assert.deepEqual(dirs, ["data", "dev", "plugd", "plugin", "proc", "tmp"]);
    },
  },
  {
    name: "the libraries' folder holds Deno's and setpriv's libraries only",
    fixture: "file-thief",
    launch: wide,
    attempt: { name: "steal.readdir", payload: (e) => ({ path: libcFolder(e.host.sandbox.libs) }) },
    expect: (o: Outcome, e) => {
      assert.ok(o.ok, o.ok ? "" : o.error.message);
      const folder = libcFolder(e.host.sandbox.libs);
      const libs = e.host.sandbox.libs.filter((l) => l.startsWith(`${folder}/`));
      assert.deepEqual(o.value, libs.map((l) => l.slice(folder.length + 1)).sort());
    },
  },
  {
    name: "the binaries' folder holds Deno (and setpriv as root) only",
    fixture: "file-thief",
    launch: wide,
    attempt: { name: "steal.readdir", payload: { path: "/plugd/bin" } },
    expect: (o: Outcome, e) => {
      assert.ok(o.ok, o.ok ? "" : o.error.message);
      assert.deepEqual(o.value, e.host.sandbox.root ? ["deno", "setpriv"] : ["deno"]);
    },
  },
  ...["/lib/x86_64-linux-gnu/evil.so", "/lib64/evil.so", "/plugd/bin/evil"].map((
    path,
  ): SecurityCase => ({
    name: `no file can be added to the system folders (${path})`,
    fixture: "file-thief",
    launch: wide,
    attempt: { name: "steal.write", payload: { path } },
    expect: "fails",
    reason: /Read-only file system|Permission denied|NotFound|No such file/i,
  })),
  {
    name: "a write outside $DATA never reaches the host",
    fixture: "file-thief",
    launch: wide,
    attempt: { name: "steal.write", payload: (e) => ({ path: `${e.host.stateDir}/evil.txt` }) },
    // It may succeed on the sandbox's own tmpfs root; the harness checks the host is unchanged.
    expect: async (_o, e) => {
      await assert.rejects(Deno.stat(`${e.host.stateDir}/evil.txt`), Deno.errors.NotFound);
    },
  },
  {
    name: "the environment holds nothing of the host's",
    fixture: "file-thief",
    launch: wide,
    attempt: { name: "steal.env" },
    expect: (o: Outcome) => {
      assert.ok(o.ok, o.ok ? "" : o.error.message);
      const env = o.value as Record<string, string>;
      assert.ok(!(ENV_CANARY in env));
      assert.deepEqual(Object.keys(env).sort(), [
        "DENO_DIR",
        "DENO_NO_UPDATE_CHECK",
        "GLIBC_TUNABLES",
        "HOME",
        "NO_COLOR",
        "PWD",
        "TMPDIR",
      ]);
    },
  },
  thief(
    "see /bin/sh (nothing to run)",
    { name: "steal.read", payload: { path: "/bin/sh" } },
    notThere,
    wide,
  ),
  {
    name: "without a net grant there is no network, even with --allow-net",
    fixture: "net-prober",
    grant: {},
    launch: { widenDenoFlags: ["--allow-net"] },
    attempt: {
      name: "net.fetch",
      payload: (e) => ({ url: `http://127.0.0.1:${e.host.loopback.port}/` }),
    },
    expect: "fails",
    reason: /refused|unreachable|error sending request/i,
  },
];

defineCorpus("flags only", flagsOnly);
defineCorpus("bwrap only", bwrapOnly);
