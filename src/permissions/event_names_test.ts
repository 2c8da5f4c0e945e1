import assert from "node:assert/strict";
import fc from "fast-check";
import { isEventPattern, isEventType, matchesEventPattern } from "./event_names.ts";

Deno.test("isEventType() accepts lowercase dotted names and rejects the rest", () => {
  const table: [string, boolean][] = [
    ["deployment.post_create", true],
    ["database.backup.completed", true],
    ["a", true],
    ["deployment.*", false],
    ["*", false],
    ["Deployment.x", false],
    ["a..b", false],
    [".a", false],
    ["a.", false],
    ["a-b", false],
    ["", false],
    ["a".repeat(256), false],
  ];
  for (const [s, ok] of table) assert.equal(isEventType(s), ok, s);
});

Deno.test("isEventPattern() allows a trailing .* or * alone", () => {
  const table: [string, boolean][] = [
    ["deployment.*", true],
    ["*", true],
    ["a.b.*", true],
    ["deployment.post_create", true],
    ["deploy*", false],
    ["*.created", false],
    ["a.*.b", false],
    ["a.**", false],
    ["", false],
  ];
  for (const [s, ok] of table) assert.equal(isEventPattern(s), ok, s);
});

Deno.test("matchesEventPattern() matches exact names and trailing wildcards", () => {
  const table: [string, string, boolean][] = [
    ["deployment.*", "deployment.post_create", true],
    ["deployment.*", "deployment.a.b", true],
    ["deployment.*", "deployment", false],
    ["deployment.*", "deployments.x", false],
    ["*", "anything.at.all", true],
    ["a.b", "a.b", true],
    ["a.b", "a.b.c", false],
  ];
  for (const [p, t, ok] of table) assert.equal(matchesEventPattern(p, t), ok, `${p} ~ ${t}`);
});

Deno.test("matchesEventPattern() with prefix.* matches exactly the types below the prefix", () => {
  const seg = fc.stringMatching(/^[a-z0-9_]{1,6}$/);
  const type = fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => s.join("."));
  fc.assert(fc.property(type, type, (prefix, t) => {
    assert.ok(isEventPattern(`${prefix}.*`));
    assert.equal(matchesEventPattern(`${prefix}.*`, t), t.startsWith(`${prefix}.`));
    assert.ok(matchesEventPattern(t, t));
  }));
});
