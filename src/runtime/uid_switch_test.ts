import assert from "node:assert/strict";
import { capsDrop, dropToUid, missingCaps } from "./uid_switch.ts";

Deno.test("missingCaps() names the capabilities per-plugin uids need that CapEff lacks", () => {
  // The unit's four: CAP_DAC_READ_SEARCH (2), CAP_KILL (5), CAP_SETGID (6), CAP_SETUID (7).
  assert.deepEqual(missingCaps("Name:\tdeno\nCapEff:\t00000000000000e4\n"), []);
  assert.deepEqual(missingCaps("CapEff:\t000001ffffffffff\n"), []);
  assert.deepEqual(missingCaps("CapEff:\t00000000000000c0\n"), ["CAP_DAC_READ_SEARCH", "CAP_KILL"]);
  assert.equal(missingCaps("CapEff:\t0000000000000000\n").length, 4);
  assert.equal(missingCaps("").length, 4);
});

Deno.test("dropToUid() switches uid, gid and groups and clears every capability", () => {
  assert.deepEqual(dropToUid("/usr/bin/setpriv", 1879048192), [
    "/usr/bin/setpriv",
    "--reuid=1879048192",
    "--regid=1879048192",
    "--clear-groups",
    "--inh-caps=-all",
    "--",
  ]);
  assert.deepEqual(dropToUid("/plugd/bin/setpriv", 7, true).slice(-2), [
    "--bounding-set=-all",
    "--",
  ]);
});

Deno.test("capsDrop() prefixes tools only when the daemon holds the unit's capabilities", () => {
  const setprivPath = "/usr/bin/setpriv";
  assert.deepEqual(capsDrop({ uidSwitch: "caps", setprivPath }), [
    setprivPath,
    "--inh-caps=-all",
    "--",
  ]);
  assert.deepEqual(capsDrop({ uidSwitch: "root", setprivPath }), []);
  assert.deepEqual(capsDrop({ setprivPath }), []);
});
