import assert from "node:assert/strict";
import { expandPath, isWithin, normalizeAbsolute } from "./expand_path.ts";
import { VIEW } from "./_test_fixtures.ts";

const EXPAND_CASES: [string, string][] = [
  ["$PLUGIN", "/plugin"],
  ["$PLUGIN/templates", "/plugin/templates"],
  ["$DATA", "/data"],
  ["$DATA/cache/x", "/data/cache/x"],
  ["$TMP", "/tmp"],
  ["$TMP/work", "/tmp/work"],
  ["/etc/ssl/certs", "/etc/ssl/certs"],
  ["/dir with space", "/dir with space"],
];

for (const [entry, expected] of EXPAND_CASES) {
  Deno.test(`expandPath("${entry}") is ${expected}`, () => {
    assert.equal(expandPath(entry, VIEW), expected);
  });
}

Deno.test("expandPath() follows the view: host folders in flags mode", () => {
  const host = { ...VIEW, dataDir: "/srv/plugd-state/data/foo" };
  assert.equal(expandPath("$DATA/x", host), "/srv/plugd-state/data/foo/x");
});

Deno.test("expandPath() refuses what the grammar refuses", () => {
  assert.throws(() => expandPath("$HOME/x", VIEW), TypeError);
  assert.throws(() => expandPath("relative", VIEW), TypeError);
  assert.throws(() => expandPath("/a/../b", VIEW), TypeError);
});

Deno.test("isWithin() matches the folder itself and below, not siblings with a common prefix", () => {
  assert.equal(isWithin("/a/b", "/a/b"), true);
  assert.equal(isWithin("/a/b/c", "/a/b"), true);
  assert.equal(isWithin("/a/bc", "/a/b"), false);
  assert.equal(isWithin("/anything", "/"), true);
});

Deno.test("normalizeAbsolute() collapses // and . and refuses relative input", () => {
  assert.equal(normalizeAbsolute("//etc///hosts/./"), "/etc/hosts");
  assert.throws(() => normalizeAbsolute("a/b"), TypeError);
});
