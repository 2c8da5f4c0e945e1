import assert from "node:assert/strict";
import { join } from "node:path";
import { moduleTempDir } from "../../tests/helpers/module_temp_dir.ts";
import { ensureBubblewrap } from "./first_run.ts";

/**
 * A folder with stand-ins for apt-get and sudo (the host keeps its real bubblewrap): apt-get
 * records each call and "installs" by copying the real bwrap once `apt-get update` has run, as
 * on a fresh machine without package lists.
 */
async function fakeHost(options: { sudoPasswordless?: boolean } = {}) {
  const dir = await moduleTempDir("plugd-first-run-");
  const calls = join(dir, "calls");
  const bwrap = join(dir, "bwrap");
  const apt = join(dir, "apt-get");
  await Deno.writeTextFile(
    apt,
    `#!/bin/sh
echo "apt-get $* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> ${calls}
case "$1" in
  update) touch ${dir}/lists; exit 0 ;;
  install) [ -e ${dir}/lists ] || { echo "E: Unable to locate package bubblewrap" >&2; exit 100; }
           cp /usr/bin/bwrap ${bwrap}; exit 0 ;;
esac
exit 1
`,
    { mode: 0o755 },
  );
  const sudo = join(dir, "sudo");
  await Deno.writeTextFile(
    sudo,
    `#!/bin/sh
echo "sudo $*" >> ${calls}
[ "$1" = -n ] && shift && [ "$1" = true ] && exit ${options.sudoPasswordless ? 0 : 1}
exec "$@"
`,
    { mode: 0o755 },
  );
  const read = () => Deno.readTextFile(calls).then((t) => t.trim().split("\n"), () => []);
  return { bwrapPath: bwrap, aptGetPath: apt, sudoPath: sudo, calls: read };
}

Deno.test("ensureBubblewrap(): present means nothing to do", async () => {
  const lines: string[] = [];
  const r = await ensureBubblewrap({ log: (l) => lines.push(l), mayInstall: true });
  assert.deepEqual(r, { status: "present" });
  assert.deepEqual(lines, []);
});

Deno.test("ensureBubblewrap(): as root in dev mode it installs with apt-get, saying so, updating lists when needed", async () => {
  const host = await fakeHost();
  const lines: string[] = [];
  const r = await ensureBubblewrap({
    log: (l) => lines.push(l),
    mayInstall: true,
    uid: 0,
    ...host,
  });
  assert.equal(r.status, "installed", lines.join("\n"));
  assert.match(
    lines[0]!,
    /first run: bubblewrap, the sandbox every plugin runs in, is missing; installing it: .*apt-get install -y -q --no-install-recommends bubblewrap$/,
  );
  assert.match(lines.join("\n"), /updating the package lists first/);
  assert.match(lines.at(-1)!, /installed bubblewrap/);
  const calls = await host.calls();
  assert.deepEqual(calls.map((c) => c.split(" ")[1]), ["install", "update", "install"]);
  assert.ok(calls.every((c) => c.endsWith("DEBIAN_FRONTEND=noninteractive")));
});

Deno.test("ensureBubblewrap(): with passwordless sudo it installs through sudo -n", async () => {
  const host = await fakeHost({ sudoPasswordless: true });
  const lines: string[] = [];
  const r = await ensureBubblewrap({
    log: (l) => lines.push(l),
    mayInstall: true,
    uid: 1000,
    interactive: false,
    ...host,
  });
  assert.equal(r.status, "installed", lines.join("\n"));
  const calls = await host.calls();
  assert.ok(calls.some((c) => /^sudo -n .*apt-get install -y/.test(c)), calls.join("\n"));
});

Deno.test("ensureBubblewrap(): when it cannot install, it says the one command and installs nothing", async () => {
  const cases = [
    {
      why: "not dev mode",
      options: { mayInstall: false, uid: 0 },
      fix: "apt-get install bubblewrap",
    },
    {
      why: "no sudo",
      options: { mayInstall: true, uid: 1000, sudoPath: "/nonexistent/sudo" },
      fix: "sudo apt-get install bubblewrap",
    },
    {
      why: "sudo wants a password, no terminal",
      options: { mayInstall: true, uid: 1000, interactive: false },
      fix: "sudo apt-get install bubblewrap",
    },
  ];
  for (const c of cases) {
    const host = await fakeHost();
    const lines: string[] = [];
    const r = await ensureBubblewrap({ log: (l) => lines.push(l), ...host, ...c.options });
    assert.deepEqual(r, { status: "missing", fix: c.fix }, c.why);
    assert.equal(lines.length, 1, c.why);
    assert.match(
      lines[0]!,
      new RegExp(`plugins cannot start.*Run: ${c.fix} — then restart plugd`),
      c.why,
    );
    assert.ok(
      (await host.calls()).every((l) => !l.includes("install")),
      `${c.why}: nothing installed`,
    );
  }
});
