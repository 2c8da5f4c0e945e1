import assert from "node:assert/strict";
import { PermissionError } from "../permissions/mod.ts";
import { BinFolders } from "./bin_folders.ts";
import type { CapsFacts } from "./caps_plan.ts";
import type { SandboxInfo } from "./detect_sandbox.ts";
import { LAUNCHER_SCRIPT } from "./launcher.ts";
import { type LaunchOptions, launchPlan } from "./launch_plan.ts";
import { PLUGIN_MALLOC_TUNABLES } from "./malloc_env.ts";

const SANDBOX: SandboxInfo = {
  mode: "bwrap",
  denoPath: "/opt/deno/bin/deno",
  libs: ["/lib/x86_64-linux-gnu/libc.so.6"],
  bwrapPath: "/usr/bin/bwrap",
  setprivPath: "/usr/bin/setpriv",
  root: false,
  reason: "test",
};
const BASE: LaunchOptions = {
  pluginId: "hello",
  grant: { env: ["API_TOKEN", "UNSET"], write: ["$DATA"], net: ["api.example.com:443"] },
  memoryMb: 128,
  host: { stateDir: "/srv/state", forbiddenPaths: ["/srv/state.sock"], daemonPort: 7420 },
  dirs: {
    pluginDir: "/srv/state/plugins/hello/1.0.0",
    dataDir: "/srv/state/data/hello",
    tmpDir: "/srv/state/tmp/hello",
    preparedDir: "/srv/state/prepared/hello/1.0.0",
  },
  sandbox: SANDBOX,
  env: { API_TOKEN: "s3cret-token", OTHER: "not granted" },
  launchDir: "/srv/state/launch",
};
const CGROUP_V1: CapsFacts = {
  mechanism: "cgroup-v1",
  parents: { memory: "/cg/memory/plugd/x", cpu: "/cg/cpu/plugd/x", pids: "/cg/pids/plugd/x" },
  memsw: false,
  overheadMb: 96,
  pidsMax: 64,
  cpuPercent: 50,
  cpuPercentMax: 100,
  cpuBurst: false,
  rlimitBaseMb: 600,
};

const after = (argv: string[], flag: string, n = 1) =>
  argv.slice(argv.indexOf(flag) + 1, argv.indexOf(flag) + 1 + n);

Deno.test("launchPlan() mounts the plugin's folders at fixed paths; host paths stay out of deno's arguments", () => {
  const plan = launchPlan(BASE);
  const { argv } = plan;
  assert.equal(argv[0], "/bin/sh");
  assert.equal(argv[2], LAUNCHER_SCRIPT);
  const bwrap = argv.slice(argv.indexOf("/usr/bin/bwrap"));
  const binds = bwrap.flatMap((a, i) =>
    a.endsWith("bind") ? [`${bwrap[i + 1]} -> ${bwrap[i + 2]}`] : []
  );
  for (
    const b of [
      "/srv/state/plugins/hello/1.0.0 -> /plugin",
      "/srv/state/data/hello -> /data",
      "/srv/state/prepared/hello/1.0.0 -> /plugd/prepared",
      "/opt/deno/bin/deno -> /plugd/bin/deno",
      `${launchPlan(BASE).channel!.hostPath} -> /plugd/channel.sock`,
    ]
  ) assert.ok(binds.includes(b), `${b} in ${binds.join("; ")}`);
  // The shim and the SDK run from the prepared folder's runtime module: their folders stay out.
  assert.deepEqual(binds.filter((b) => /-> \/plugd\/(sdk|src)\b/.test(b)), []);
  assert.deepEqual(after(bwrap, "--tmpfs"), ["/tmp"]);
  const deno = argv.slice(argv.lastIndexOf("/plugd/bin/deno"));
  assert.equal(deno[1], "run");
  assert.ok(deno.includes("--allow-write=/data,/plugd/channel.sock"));
  assert.equal(deno.at(-2), "/plugd/prepared/bootstrap.ts");
  assert.equal(deno.at(-1), "/plugd/channel.sock");
  assert.ok(!deno.some((a) => a.includes("/srv/state")), deno.join(" "));
  assert.deepEqual(plan.paths, { data: "/data", tmp: "/tmp" });
});

Deno.test("launchPlan() passes granted values only through the arguments file, never argv or env", () => {
  const plan = launchPlan(BASE);
  const everything = JSON.stringify([plan.argv, plan.env]);
  assert.ok(!everything.includes("s3cret-token"));
  assert.ok(!everything.includes("not granted"));
  assert.deepEqual(plan.envNames, ["API_TOKEN"]);
  assert.deepEqual(plan.argsFile, {
    path: "/srv/state/launch/hello.args",
    args: ["--setenv", "API_TOKEN", "s3cret-token"],
  });
  assert.deepEqual(after(plan.argv, "--args-file"), ["/srv/state/launch/hello.args"]);
  const args = plan.argv.indexOf("--args");
  assert.deepEqual(plan.argv.slice(args, args + 2), ["--args", "3"]);
  assert.ok(args > plan.argv.indexOf("--clearenv"), "read after --clearenv");
  assert.deepEqual(plan.env, {});
});

Deno.test("launchPlan() as root: no user namespace, setpriv drops to the plugin uid inside", () => {
  assert.throws(() => launchPlan({ ...BASE, sandbox: { ...SANDBOX, root: true } }), TypeError);
  const { argv } = launchPlan({ ...BASE, sandbox: { ...SANDBOX, root: true }, uid: 61234 });
  assert.ok(!argv.includes("--unshare-all"));
  assert.ok(argv.includes("--unshare-pid"));
  assert.deepEqual(after(argv, "--cap-add"), ["CAP_SETUID"]);
  const i = argv.indexOf("/plugd/bin/setpriv", argv.indexOf("--chdir"));
  assert.deepEqual(argv.slice(i, i + 8), [
    "/plugd/bin/setpriv",
    "--reuid=61234",
    "--regid=61234",
    "--clear-groups",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--",
    "/plugd/bin/deno",
  ]);
});

Deno.test("launchPlan() with the unit's capabilities: setpriv drops to the plugin uid before an unprivileged bwrap", () => {
  const caps: SandboxInfo = { ...SANDBOX, uidSwitch: "caps" };
  const { argv } = launchPlan({ ...BASE, sandbox: caps, uid: 61234 });
  const bwrap = argv.indexOf("/usr/bin/bwrap");
  assert.deepEqual(argv.slice(bwrap - 6, bwrap + 2), [
    "/usr/bin/setpriv",
    "--reuid=61234",
    "--regid=61234",
    "--clear-groups",
    "--inh-caps=-all",
    "--",
    "/usr/bin/bwrap",
    "--unshare-all",
  ]);
  assert.ok(argv.indexOf("--args-file") < bwrap, "the launcher opens the values file first");
  assert.ok(!argv.includes("--cap-add") && !argv.includes("/plugd/bin/setpriv"));
  assert.throws(() => launchPlan({ ...BASE, sandbox: caps, uid: 0 }), TypeError);
  // Without a uid (a system addon under the unit) bubblewrap still starts without capabilities.
  const addon = launchPlan({ ...BASE, sandbox: caps }).argv;
  const at = addon.indexOf("/usr/bin/bwrap");
  assert.deepEqual(addon.slice(at - 3, at), ["/usr/bin/setpriv", "--inh-caps=-all", "--"]);
  // Flags mode: the same drop in front of deno.
  const flags = launchPlan({ ...BASE, sandbox: { ...caps, mode: "flags" }, uid: 61234 }).argv;
  const deno = flags.indexOf("/opt/deno/bin/deno");
  assert.deepEqual(flags.slice(deno - 6, deno - 4), ["/usr/bin/setpriv", "--reuid=61234"]);
  // A daemon that cannot switch uids ignores one: plugins share its uid, as before.
  assert.ok(!launchPlan({ ...BASE, uid: 61234 }).argv.some((a) => a.startsWith("--reuid")));
});

Deno.test("launchPlan() with cgroups: the launcher joins /<parent>/<plugin id> first", () => {
  const plan = launchPlan({ ...BASE, caps: CGROUP_V1 });
  assert.deepEqual(plan.cgroups.map((c) => c.dir), [
    "/cg/memory/plugd/x/hello",
    "/cg/cpu/plugd/x/hello",
    "/cg/pids/plugd/x/hello",
  ]);
  assert.deepEqual(plan.cgroups[0]!.files, [["memory.limit_in_bytes", String(288 * 1024 * 1024)]]);
  assert.deepEqual(after(plan.argv, "--cgroup"), ["/cg/memory/plugd/x/hello/cgroup.procs"]);
  assert.equal(plan.caps, "cgroup-v1 memory 288 MiB, cpu 50%, pids 64");
  assert.equal(plan.cpuQuota, true);
});

Deno.test("launchPlan() in flags mode: host paths, values in the environment, prlimit in front", () => {
  const plan = launchPlan({
    ...BASE,
    sandbox: { ...SANDBOX, mode: "flags" },
    caps: { ...CGROUP_V1, mechanism: "rlimit", prlimitPath: "/usr/bin/prlimit" },
  });
  assert.deepEqual(plan.argv.slice(0, 4), [
    "/usr/bin/prlimit",
    `--data=${728 * 1024 * 1024}`,
    "--",
    "/opt/deno/bin/deno",
  ]);
  assert.ok(plan.argv.includes("--allow-write=/srv/state/data/hello"));
  assert.equal(plan.env.API_TOKEN, "s3cret-token");
  assert.equal(plan.argsFile, undefined);
  assert.deepEqual(plan.paths, { data: "/srv/state/data/hello", tmp: "/srv/state/tmp/hello" });
});

Deno.test("launchPlan() refuses a grant this host never allows, and is deterministic", () => {
  assert.throws(
    () => launchPlan({ ...BASE, grant: { read: ["/srv/state/plugd.db"] } }),
    PermissionError,
  );
  assert.deepEqual(launchPlan(BASE), launchPlan(structuredClone(BASE)));
});

Deno.test("launchPlan() gives the protocol a socket inside /plugd, with the flags its connect needs", () => {
  const plan = launchPlan(BASE);
  assert.deepEqual(plan.channel, {
    hostPath: "/srv/state/launch/ch-a430d84680aabd0b.sock",
    path: "/plugd/channel.sock",
    mode: 0o600,
  });
  // Stable (what `plugd plugin flags` prints is what runs) and short whatever the id's length.
  assert.equal(launchPlan(BASE).channel!.hostPath, plan.channel!.hostPath);
  const long = launchPlan({ ...BASE, pluginId: "x".repeat(64) }).channel!.hostPath;
  assert.equal(long.length, plan.channel!.hostPath.length);
  const deno = plan.argv.slice(plan.argv.lastIndexOf("/plugd/bin/deno"));
  assert.ok(deno.includes("--allow-read=/plugd/channel.sock"), deno.join(" "));
  assert.ok(deno.includes("--allow-net=api.example.com:443,unix:/plugd/channel.sock"));
  // As root, the socket is handed to the plugin's uid (setpriv drops to it inside).
  const root = launchPlan({ ...BASE, sandbox: { ...SANDBOX, root: true }, uid: 61_000 });
  assert.equal(root.channel?.owner, 61_000);
});

Deno.test("launchPlan() under the unit's daemon puts the socket in the plugin's host $TMP folder", () => {
  // setpriv drops to the plugin's uid before bubblewrap, which cannot enter the launch folder;
  // the daemon cannot chown, so the socket is 0666 inside the daemon:plugin-gid 0770 folder.
  const plan = launchPlan({ ...BASE, sandbox: { ...SANDBOX, uidSwitch: "caps" }, uid: 61_000 });
  assert.deepEqual(plan.channel, {
    hostPath: "/srv/state/tmp/hello/channel.sock",
    path: "/plugd/channel.sock",
    mode: 0o666,
  });
  assert.ok(plan.argv.includes("/srv/state/tmp/hello/channel.sock"));
});

Deno.test("launchPlan() keeps the protocol on stdin where no socket can be bound", () => {
  const flags = launchPlan({ ...BASE, sandbox: { ...SANDBOX, mode: "flags" } });
  assert.equal(flags.channel, undefined);
  assert.ok(!flags.argv.some((a) => a.includes("channel.sock")));
  const deep = launchPlan({ ...BASE, launchDir: `/srv/${"x".repeat(90)}` });
  assert.equal(deep.channel, undefined, "a socket path over 100 bytes");
});

Deno.test("launchPlan() keeps an addon's sandbox in the keeper's process group; a plugin gets a session of its own", () => {
  const plugin = launchPlan(BASE);
  assert.ok(plugin.argv.includes("--new-session"), "a plugin's pid 1 has no controlling terminal");
  for (const privileged of [false, true]) {
    const addon = launchPlan({
      ...BASE,
      sandbox: { ...SANDBOX, root: true },
      uid: 65534,
      parentPid: 4242,
      shell: { entry: "addon.sh", args: ["install"], id: "kv", version: "1.0.0", privileged },
    });
    const { argv } = addon;
    assert.deepEqual(argv.slice(0, 4), ["/usr/bin/setpriv", "--pdeathsig", "TERM", "--"]);
    assert.deepEqual(after(argv, "--parent"), ["4242"]);
    // The keeper's setsid is the session; bubblewrap's pid 1 must not leave its process group.
    assert.ok(!argv.includes("--new-session"), `privileged: ${privileged}`);
    assert.ok(argv.includes("--die-with-parent"));
  }
});

Deno.test("launchPlan() gives plugin processes glibc's malloc settings, and an addon's host software none", () => {
  const setenv = (argv: string[]) =>
    argv.flatMap((a, i) =>
      a === "--setenv" && argv[i + 1] === "GLIBC_TUNABLES" ? [argv[i + 2]] : []
    );
  assert.deepEqual(setenv(launchPlan(BASE).argv), [PLUGIN_MALLOC_TUNABLES]);
  const flags = launchPlan({ ...BASE, sandbox: { ...SANDBOX, mode: "flags" } });
  assert.equal(flags.env.GLIBC_TUNABLES, PLUGIN_MALLOC_TUNABLES);
  const addon = launchPlan({
    ...BASE,
    sandbox: { ...SANDBOX, root: true },
    uid: 65534,
    shell: { entry: "addon.sh", args: ["install"], id: "kv", version: "1.0.0", privileged: false },
  });
  assert.deepEqual(setenv(addon.argv), []);
});

Deno.test("launchPlan() with binFolders binds Deno as a folder; a library under the sandbox's /tmp keeps its file bind", async () => {
  const host = await Deno.makeTempDir({ prefix: "plugd-launch-bins-" });
  try {
    for (const f of ["libc.so.6", "deno"]) await Deno.writeTextFile(`${host}/${f}`, f);
    const sandbox = { ...SANDBOX, denoPath: `${host}/deno`, libs: [`${host}/libc.so.6`] };
    const options = { ...BASE, sandbox, grant: {} };
    const files = launchPlan(options).argv;
    const binFolders = await BinFolders.open(`${host}/sandbox-bin`);
    const folders = launchPlan({ ...options, binFolders }).argv;
    const binds = (argv: string[]) =>
      argv.flatMap((a, i) => a.endsWith("bind") ? [`${argv[i + 1]} -> ${argv[i + 2]}`] : []);
    const deno = `${host}/deno -> /plugd/bin/deno`;
    assert.ok(binds(files).includes(deno));
    assert.deepEqual(
      binds(folders).filter((b) => b.endsWith(" -> /plugd/bin")),
      [`${
        binFolders.mounts([{ src: `${host}/deno`, dest: "/plugd/bin/deno" }], [])[0]!.src
      } -> /plugd/bin`],
    );
    // The library's folder lies in the plugin's /tmp: a folder bind there would cover its tmpfs.
    assert.deepEqual(
      binds(folders).filter((b) => b !== deno && !b.endsWith("/plugd/bin")),
      binds(files).filter((b) => b !== deno),
    );
    assert.deepEqual(
      folders.slice(folders.indexOf("--proc")),
      files.slice(files.indexOf("--proc")),
    );
  } finally {
    await Deno.remove(host, { recursive: true });
  }
});
