import assert from "node:assert/strict";
import {
  describeDiff,
  diffPermissions,
  isWidening,
  normalizePermissions,
  permissionsEqual,
} from "./grant_diff.ts";

Deno.test("normalizePermissions() sorts, dedupes, orders keys and drops empty lists", () => {
  const n = normalizePermissions({ emit: ["b", "a"], net: ["z:1", "a:1", "z:1"], read: [] });
  assert.deepEqual(n, { net: ["a:1", "z:1"], emit: ["a", "b"] });
  assert.deepEqual(Object.keys(n), ["net", "emit"]);
  assert.deepEqual(normalizePermissions({}), {});
});

Deno.test("permissionsEqual() ignores order, duplicates and empty lists, not spelling", () => {
  assert.equal(permissionsEqual({ net: ["a", "b"], read: [] }, { net: ["b", "a", "a"] }), true);
  assert.equal(permissionsEqual({}, { env: [] }), true);
  assert.equal(permissionsEqual({ read: ["$DATA"] }, { read: ["$DATA/"] }), false);
  assert.equal(permissionsEqual({ read: ["$DATA"] }, { write: ["$DATA"] }), false);
});

Deno.test("diffPermissions() returns added and removed entries per key", () => {
  assert.deepEqual(
    diffPermissions({ net: ["a:443"], read: ["$PLUGIN/x"] }, {
      net: ["b:443", "a:443"],
      env: ["TZ"],
    }),
    { added: { net: ["b:443"], env: ["TZ"] }, removed: { read: ["$PLUGIN/x"] } },
  );
  assert.deepEqual(diffPermissions({ sys: ["hostname"] }, { sys: ["hostname"] }), {
    added: {},
    removed: {},
  });
});

Deno.test("isWidening() is true only when the new set has an entry the old lacks", () => {
  assert.equal(isWidening({ net: ["a:443"] }, { net: ["a:443"] }), false);
  assert.equal(isWidening({ net: ["a:443", "b:443"] }, { net: ["a:443"] }), false);
  assert.equal(isWidening({ net: ["a:443"] }, { net: ["a:443"], emit: ["x.y"] }), true);
  assert.equal(isWidening({ read: ["$DATA"] }, { read: ["$DATA/x"] }), true);
  assert.equal(isWidening({}, {}), false);
});

Deno.test("describeDiff() writes one line in key order", () => {
  assert.equal(
    describeDiff({ added: { net: ["api.example.com:443"] }, removed: { read: ["$PLUGIN/x"] } }),
    "net +api.example.com:443; read -$PLUGIN/x",
  );
  assert.equal(
    describeDiff(diffPermissions({ emit: ["a.b"], net: ["x:1"] }, { net: ["y:1", "z:1"] })),
    "net +y:1 +z:1 -x:1; emit -a.b",
  );
  assert.equal(describeDiff({ added: {}, removed: {} }), "no changes");
});
