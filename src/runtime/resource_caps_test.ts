import assert from "node:assert/strict";
import { parseProcCgroup } from "./resource_caps.ts";

Deno.test("parseProcCgroup() reads v1 controllers and the v2 entry; empty text gives nothing", () => {
  const own = parseProcCgroup(
    "12:pids:/system.slice/plugd.service\n4:memory:/system.slice/plugd.service\n" +
      "1:name=systemd:/system.slice/plugd.service\n0::/system.slice/plugd.service\n",
  );
  assert.equal(own.get("memory"), "/system.slice/plugd.service");
  assert.equal(own.get(""), "/system.slice/plugd.service");
  // An unreadable /proc/self/cgroup (e.g. Deno without --allow-all) must not throw.
  assert.equal(parseProcCgroup("").size, 0);
});
