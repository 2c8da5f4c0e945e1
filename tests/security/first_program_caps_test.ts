/**
 * What the sandbox's first program holds when the daemon is root, walked from inside. bubblewrap
 * run by root starts from every capability root has, and `--cap-add` only adds to that set: the
 * program meant to hold CAP_SETUID and CAP_SETGID alone (setpriv, which drops to the plugin's
 * uid) held all of them, CAP_SYS_ADMIN included. The sandbox now drops them all first; what the
 * plugin itself holds after setpriv (no capability, its uid and gid, no groups, no new
 * privileges) is checked too, so the change of its first step cannot change its last.
 */
import assert from "node:assert/strict";
import { detectSandbox, dropToUid, IN_SANDBOX } from "../../src/runtime/mod.ts";
import { bwrapArgs } from "../../src/runtime/bwrap_args.ts";
import { systemMounts } from "../../src/runtime/launch_plan.ts";

const root = Deno.uid() === 0;
const UID = 1_879_000_123;
const STATUS = "console.log(Deno.readTextFileSync('/proc/self/status'))";

/** `/proc/self/status` of `deno eval` run in a root daemon's sandbox, after `before`. */
async function statusInside(before: string[]): Promise<Record<string, string>> {
  const sandbox = await detectSandbox({ requested: "bwrap" });
  const args = bwrapArgs({
    root: true,
    shareNet: false,
    ro: systemMounts(sandbox, true),
    tmpfs: { dest: "/tmp", bytes: 16 * 1024 * 1024 },
    env: { DENO_DIR: "/tmp", HOME: "/tmp", NO_COLOR: "1" },
    capAdd: ["CAP_SETUID", "CAP_SETGID"],
    chdir: "/tmp",
  });
  const out = await new Deno.Command(sandbox.bwrapPath, {
    args: [...args, ...before, IN_SANDBOX.deno, "eval", STATUS],
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return Object.fromEntries(
    text.split("\n").map((l) => l.split(":\t")).filter((p) => p.length === 2)
      .map(([k, v]) => [k!, v!.trim()]),
  );
}

Deno.test({
  name: "root sandbox: the first program holds CAP_SETUID and CAP_SETGID only",
  ignore: !root,
  async fn() {
    const s = await statusInside([]);
    const setuidSetgid = "00000000000000c0"; // bits 6 (CAP_SETGID) and 7 (CAP_SETUID)
    for (const set of ["CapEff", "CapPrm", "CapInh", "CapAmb"]) {
      assert.equal(s[set], setuidSetgid, `${set} of the first program`);
    }
    assert.equal(s.NoNewPrivs, "1");
  },
});

Deno.test({
  name: "root sandbox: after setpriv the plugin runs as its uid with no capability and no groups",
  ignore: !root,
  async fn() {
    const s = await statusInside(dropToUid(IN_SANDBOX.setpriv, UID));
    assert.equal(s.Uid, `${UID}\t${UID}\t${UID}\t${UID}`);
    assert.equal(s.Gid, `${UID}\t${UID}\t${UID}\t${UID}`);
    assert.equal(s.Groups, "");
    for (const set of ["CapEff", "CapPrm", "CapInh", "CapAmb"]) {
      assert.match(s[set] ?? "", /^0+$/, `${set} of the plugin`);
    }
    assert.equal(s.NoNewPrivs, "1");
  },
});
