import assert from "node:assert/strict";
import { sandboxCommand, type SandboxCommandOptions } from "./sandbox_command.ts";

const base: SandboxCommandOptions = {
  mode: "bwrap",
  denoPath: "/usr/bin/deno",
  denoArgs: ["run", "--no-prompt", "/s/prep/bootstrap.ts"],
  pluginDir: "/s/plugins/p",
  dataDir: "/s/data/p",
  tmpDir: "/s/tmp/p",
  preparedDir: "/s/prep",
  cacheDir: "/s/prep/cache",
  sdkDir: "/r/sdk",
  shimDir: "/r/shim",
  hasNet: false,
  libs: ["/lib/x86_64-linux-gnu/libc.so.6"],
  env: { HTTPS_PROXY: "http://proxy" },
};

Deno.test("sandboxCommand() is deterministic", () => {
  assert.deepEqual(sandboxCommand(base), sandboxCommand({ ...base }));
});

Deno.test("sandboxCommand() bwrap mode unshares everything and mounts only what is needed", () => {
  const { cmd, args } = sandboxCommand(base);
  assert.equal(cmd, "/usr/bin/bwrap");
  assert.equal(args[0], "--unshare-all");
  assert.ok(!args.includes("--share-net"));
  assert.ok(args.includes("--die-with-parent"));
  const ro = args.flatMap((a, i) => a === "--ro-bind" ? [args[i + 1]] : []);
  assert.deepEqual(
    new Set(ro),
    new Set([
      "/lib/x86_64-linux-gnu/libc.so.6",
      "/usr/bin/deno",
      "/s/prep/cache",
      "/s/plugins/p",
      "/r/sdk",
      "/r/shim",
      "/s/prep",
    ]),
  );
  assert.ok(ro.indexOf("/s/prep") < ro.indexOf("/s/prep/cache"), "parents mount first");
  const rw = args.flatMap((a, i) => a === "--bind" ? [args[i + 1]] : []);
  assert.deepEqual(rw, ["/s/tmp/p", "/s/data/p"].sort());
  assert.deepEqual(
    args.slice(-3),
    ["/usr/bin/deno", "run", "--no-prompt", "/s/prep/bootstrap.ts"].slice(-3),
  );
  assert.equal(args[args.indexOf("--chdir") + 1], "/s/data/p");
});

Deno.test("sandboxCommand() shares the network and DNS files only with a net grant", () => {
  const { args } = sandboxCommand({ ...base, hasNet: true });
  assert.ok(args.includes("--share-net"));
  assert.ok(args.join(" ").includes("--ro-bind-try /etc/resolv.conf /etc/resolv.conf"));
});

Deno.test("sandboxCommand() sets a cleared environment with the fixed variables", () => {
  const { env, args } = sandboxCommand(base);
  assert.deepEqual(env, {
    DENO_DIR: "/s/prep/cache",
    DENO_NO_UPDATE_CHECK: "1",
    HOME: "/s/data/p",
    HTTPS_PROXY: "http://proxy",
    NO_COLOR: "1",
    TMPDIR: "/s/tmp/p",
  });
  assert.ok(args.includes("--clearenv"));
  assert.equal(args[args.indexOf("HOME") - 1], "--setenv");
});

Deno.test("sandboxCommand() drops to the sandbox uid with setpriv", () => {
  const { cmd, args } = sandboxCommand({ ...base, runAsUid: 65534 });
  assert.equal(cmd, "/usr/bin/setpriv");
  assert.deepEqual(args.slice(0, 5), [
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    "--inh-caps=-all",
    "/usr/bin/bwrap",
  ]);
});

Deno.test("sandboxCommand() flags mode runs deno directly", () => {
  const { cmd, args } = sandboxCommand({ ...base, mode: "flags" });
  assert.equal(cmd, "/usr/bin/deno");
  assert.deepEqual(args, base.denoArgs);
});

Deno.test("sandboxCommand() mounts granted host paths with -try binds", () => {
  const { args } = sandboxCommand({
    ...base,
    extraReadPaths: ["/etc/ssl"],
    extraWritePaths: ["/srv/out"],
  });
  assert.ok(args.join(" ").includes("--ro-bind-try /etc/ssl /etc/ssl"));
  assert.ok(args.join(" ").includes("--bind-try /srv/out /srv/out"));
});

Deno.test("sandboxCommand() rejects relative paths and bad modes", () => {
  assert.throws(() => sandboxCommand({ ...base, dataDir: "data" }), TypeError);
  assert.throws(() => sandboxCommand({ ...base, mode: "none" as "flags" }), TypeError);
  assert.throws(() => sandboxCommand({ ...base, denoArgs: ["eval"] }), TypeError);
});

Deno.test("sandboxCommand() mounts a fresh /proc unless the host forbids it", () => {
  const withProc = sandboxCommand(base).args;
  assert.equal(withProc[withProc.indexOf("--proc") + 1], "/proc");
  const without = sandboxCommand({ ...base, mountProc: false }).args;
  assert.ok(!without.includes("--proc"));
  assert.ok(without.includes("--dev"), "the rest of the sandbox is unchanged");
});
