import assert from "node:assert/strict";
import { PermissionError } from "./errors.ts";
import { expandPath, isWithin, normalizeAbsolute } from "./expand_path.ts";
import { HOST } from "./_test_fixtures.ts";

const EXPAND_CASES: [string, string][] = [
  ["$PLUGIN", "/var/lib/plugd/plugins/foo"],
  ["$PLUGIN/", "/var/lib/plugd/plugins/foo"],
  ["$PLUGIN/templates", "/var/lib/plugd/plugins/foo/templates"],
  ["$DATA", "/var/lib/plugd/data/foo"],
  ["$DATA/cache//x/./y/", "/var/lib/plugd/data/foo/cache/x/y"],
  ["$TMP", "/tmp/plugd/foo"],
  ["$TMP/work", "/tmp/plugd/foo/work"],
  ["/etc/ssl/certs", "/etc/ssl/certs"],
  ["//etc///hosts/", "/etc/hosts"],
  ["/", "/"],
  ["/dir with space", "/dir with space"],
];

for (const [entry, expected] of EXPAND_CASES) {
  Deno.test(`expandPath("${entry}") is ${expected}`, () => {
    assert.equal(expandPath(entry, HOST), expected);
  });
}

const REJECT_CASES: [string, RegExp][] = [
  ["", /non-empty/],
  ["templates", /relative path/],
  ["./x", /relative path/],
  ["$PLUGIN/../bar", /\.\./],
  ["$DATA/..", /\.\./],
  ["/var/lib/plugd/data/foo/../bar", /\.\./],
  ["$HOME/x", /unknown variable "\$HOME"/],
  ["$PLUGINS/x", /unknown variable/],
  ["$data", /unknown variable/],
  ["~/x", /"~" is not expanded/],
  ["/a,/b", /comma/],
  ["/a\nb", /control/],
];

for (const [entry, pattern] of REJECT_CASES) {
  Deno.test(`expandPath(${JSON.stringify(entry)}) throws PermissionError`, () => {
    assert.throws(
      () => expandPath(entry, HOST, { field: "permissions.read[0]" }),
      (e: unknown) =>
        e instanceof PermissionError && e.field === "permissions.read[0]" &&
        pattern.test(e.message),
    );
  });
}

Deno.test("isWithin() matches the folder itself and below, not siblings with a common prefix", () => {
  assert.equal(isWithin("/a/b", "/a/b"), true);
  assert.equal(isWithin("/a/b/c", "/a/b"), true);
  assert.equal(isWithin("/a/bc", "/a/b"), false);
  assert.equal(isWithin("/anything", "/"), true);
});

Deno.test("normalizeAbsolute() refuses relative input", () => {
  assert.throws(() => normalizeAbsolute("a/b"), TypeError);
});
