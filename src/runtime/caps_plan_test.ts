import assert from "node:assert/strict";
import { type CapsFacts, capsPlan } from "./caps_plan.ts";

const TUNING = { overheadMb: 96, pidsMax: 64, rlimitBaseMb: 600 };
const V1: CapsFacts = {
  ...TUNING,
  mechanism: "cgroup-v1",
  parents: { memory: "/cg/memory/p", cpu: "/cg/cpu/p", pids: "/cg/pids/p" },
  memsw: false,
  cpuPercent: 50,
  cpuPercentMax: 100,
  cpuBurst: true,
};
const V2: CapsFacts = {
  ...TUNING,
  mechanism: "cgroup-v2",
  parent: "/cg/plugd-x",
  cpu: true,
  cpuPercent: 50,
  cpuPercentMax: 100,
  cpuBurst: true,
};
const LIMITS = { memoryMb: 128, tmpMb: 64 };

Deno.test("capsPlan() v1 starts without a cpu quota and sets quota and burst once ready", () => {
  const plan = capsPlan(V1, "hello", LIMITS);
  const cpu = plan.cgroups.find((c) => c.dir === "/cg/cpu/p/hello")!;
  assert.deepEqual(cpu.files, []); // a new cgroup has no quota: nothing to write
  assert.deepEqual(cpu.defaults, [["cpu.cfs_quota_us", "-1"]]); // over a leftover folder
  // Quota before burst: the kernel refuses a burst above the quota.
  assert.deepEqual(plan.afterReady, [
    ["/cg/cpu/p/hello/cpu.cfs_quota_us", "50000"],
    ["/cg/cpu/p/hello/cpu.cfs_burst_us", "50000"],
  ]);
  assert.equal(plan.cpuQuota, true);
  assert.equal(plan.description, "cgroup-v1 memory 288 MiB, cpu 50% (+50% burst), pids 64");
});

Deno.test("capsPlan() v2 starts at cpu.max max and writes the quota and its burst once ready", () => {
  const plan = capsPlan(V2, "hello", LIMITS);
  assert.equal(plan.cgroups[0]!.files.find(([f]) => f === "cpu.max"), undefined);
  assert.deepEqual(plan.cgroups[0]!.defaults, [["cpu.max", "max 100000"]]);
  assert.deepEqual(plan.afterReady, [
    ["/cg/plugd-x/hello/cpu.max", "50000 100000"],
    ["/cg/plugd-x/hello/cpu.max.burst", "50000"],
  ]);
});

Deno.test("capsPlan() takes the manifest's cpu share, never above the operator's ceiling", () => {
  const asks = (cpuPercent: number, facts = V1) =>
    capsPlan(facts, "hello", { ...LIMITS, cpuPercent }).afterReady[0]![1];
  assert.equal(asks(25), "25000");
  assert.equal(asks(100), "100000");
  assert.equal(asks(400), "100000");
  assert.equal(asks(400, { ...V1, cpuPercentMax: 200 }), "200000");
  // The operator's default is capped by the ceiling too.
  const plan = capsPlan({ ...V1, cpuPercent: 300, cpuPercentMax: 150 }, "hello", LIMITS);
  assert.equal(plan.afterReady[0]![1], "150000");
});

Deno.test("capsPlan() without burst support writes only the quota; without caps nothing waits", () => {
  assert.deepEqual(capsPlan({ ...V1, cpuBurst: false }, "hello", LIMITS).afterReady, [
    ["/cg/cpu/p/hello/cpu.cfs_quota_us", "50000"],
  ]);
  assert.deepEqual(capsPlan({ ...V2, cpu: false }, "hello", LIMITS).afterReady, []);
  const rlimit = capsPlan(
    { ...V1, mechanism: "rlimit", prlimitPath: "/usr/bin/prlimit" },
    "h",
    LIMITS,
  );
  assert.deepEqual(rlimit.afterReady, []);
  assert.equal(rlimit.cpuQuota, false);
});
