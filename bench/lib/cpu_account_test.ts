import assert from "node:assert/strict";
import { cpuAccount } from "./cpu_account.ts";

const ROOT = "/sys/fs/cgroup/cpuacct";

function cpuacctOf(pid: number): string {
  const line = Deno.readTextFileSync(`/proc/${pid}/cgroup`).split("\n")
    .find((l) => /^\d+:[^:]*\bcpuacct\b[^:]*:/.test(l)) ?? "";
  return line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
}

// Only to learn whether accounts work here (root, cgroup v1 cpuacct on its own).
const probe = cpuAccount();
await probe?.[Symbol.asyncDispose]();
const usable = probe !== null;

Deno.test({
  name: "cpuAccount() is removed at dispose even with a child still in it",
  ignore: !usable,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    let child: Deno.ChildProcess | undefined;
    const acct = cpuAccount();
    assert.ok(acct);
    try {
      child = new Deno.Command("sleep", { args: ["60"], stdout: "null", stderr: "null" }).spawn();
      assert.equal(cpuacctOf(child.pid), `/plugd-bench-${Deno.pid}`);
      await acct[Symbol.asyncDispose]();
      assert.equal(
        await Deno.stat(`${ROOT}/plugd-bench-${Deno.pid}`).then(() => "left", () => "removed"),
        "removed",
      );
      assert.equal(cpuacctOf(child.pid), "/", "the child went back to the root cgroup");
    } finally {
      child?.kill("SIGKILL");
      await child?.status;
      await acct[Symbol.asyncDispose]();
    }
  },
});

Deno.test({
  name: "cpuAccount() removes the folders of bench processes that are gone",
  ignore: !usable,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    const left = `${ROOT}/plugd-bench-${gone.pid}`;
    let child: Deno.ChildProcess | undefined;
    try {
      Deno.mkdirSync(left);
      child = new Deno.Command("sleep", { args: ["60"], stdout: "null", stderr: "null" }).spawn();
      Deno.writeTextFileSync(`${left}/cgroup.procs`, String(child.pid));
      const acct = cpuAccount();
      await acct?.[Symbol.asyncDispose]();
      assert.equal(await Deno.stat(left).then(() => "left", () => "removed"), "removed");
      assert.equal(cpuacctOf(child.pid), "/");
    } finally {
      child?.kill("SIGKILL");
      await child?.status;
      await Deno.remove(left).catch(() => {});
    }
  },
});
