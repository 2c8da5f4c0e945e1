import assert from "node:assert/strict";
import { launcherArgv, parseLauncherArgv, seatCommandFile } from "./launcher.ts";

Deno.test("parseLauncherArgv takes apart what launcherArgv made, and nothing else", () => {
  const command = ["/usr/bin/bwrap", "--ro-bind", "/a b", "/c", "--", "x"];
  const argv = launcherArgv(command, {
    cgroupProcs: ["/m/p/cgroup.procs", "/c/p/cgroup.procs"],
    argsFile: "/launch/p.args",
    maxFileBytes: 1024,
  });
  assert.deepEqual(parseLauncherArgv(argv), {
    cgroupProcs: ["/m/p/cgroup.procs", "/c/p/cgroup.procs"],
    options: ["--args-file", "/launch/p.args", "--fsize", "2"],
    command,
  });
  assert.equal(parseLauncherArgv(command), null, "no launcher");
  const keeper = launcherArgv(command, { keeper: { setpriv: "/usr/bin/setpriv", parentPid: 1 } });
  assert.equal(parseLauncherArgv(keeper), null, "a keeper's command line");
});

Deno.test("a seat's command file gives the shell back every word as it was", async () => {
  const words = [
    "--fsize",
    "8",
    "--",
    "/usr/bin/printf",
    "%s|",
    "it's",
    'a "b" $HOME `x` \\',
    "\n",
  ];
  const file = await Deno.makeTempFile();
  try {
    const parts = { options: words.slice(0, 2), command: words.slice(3) };
    await Deno.writeTextFile(file, seatCommandFile(parts));
    const out = await new Deno.Command("/bin/sh", {
      args: ["-c", '. "$0"; shift 3; exec "$@"', file],
      clearEnv: true,
    }).output();
    assert.equal(new TextDecoder().decode(out.stdout), `it's|a "b" $HOME \`x\` \\|\n|`);
  } finally {
    await Deno.remove(file);
  }
});
