import assert from "node:assert/strict";
import { compareHandlers, parseChildLine, validateChildFrame } from "./protocol.ts";

const none = { actions: [], filters: [], gates: [], routes: [], cron: [], lifecycle: [] };

Deno.test("validateChildFrame() accepts every valid frame type", () => {
  assert.deepEqual(validateChildFrame({ t: "ready" }), { t: "ready" });
  assert.equal(
    validateChildFrame({ t: "hello", protocol: 1, sdk: "0.1.0", handlers: none })?.t,
    "hello",
  );
  assert.equal(validateChildFrame({ t: "result", id: 3, ok: true, value: 1 })?.t, "result");
  assert.equal(
    validateChildFrame({ t: "result", id: 3, ok: false, error: { name: "E", message: "m" } })?.t,
    "result",
  );
  assert.equal(validateChildFrame({ t: "host", id: 1, op: "storage.get", args: {} })?.t, "host");
  assert.equal(validateChildFrame({ t: "log", level: "warn", msg: "x" })?.t, "log");
});

Deno.test("validateChildFrame() rejects malformed frames", () => {
  for (
    const bad of [
      null,
      [],
      { t: "nope" },
      { t: "result", id: "1", ok: true },
      { t: "result", id: 0, ok: true },
      { t: "result", id: 1.5, ok: true },
      { t: "result", id: 1, ok: false },
      { t: "host", id: 1, op: "fs.read" },
      { t: "log", level: "loud", msg: "x" },
      { t: "hello", protocol: 1, sdk: "x", handlers: { actions: [1] } },
    ]
  ) assert.equal(validateChildFrame(bad), undefined, JSON.stringify(bad));
});

Deno.test("parseChildLine() returns undefined for non-JSON", () => {
  assert.equal(parseChildLine("hello"), undefined);
  assert.equal(parseChildLine("{broken"), undefined);
  assert.deepEqual(parseChildLine('{"t":"ready"}'), { t: "ready" });
});

Deno.test("compareHandlers() names hooks missing on either side", () => {
  const problems = compareHandlers(
    { ...none, filters: ["a.b"], routes: ["GET /x"] },
    { ...none, filters: ["c.d"], routes: ["GET /x"], lifecycle: ["onEnable"] },
  );
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /filter "a\.b" is declared in plugin\.yaml/);
  assert.match(problems[1]!, /filter "c\.d" is defined by the module but not declared/);
});

Deno.test("validateChildFrame() accepts out frames of bounded size only", () => {
  assert.deepEqual(validateChildFrame({ t: "out", id: 3, data: "hi\n" }), {
    t: "out",
    id: 3,
    data: "hi\n",
  });
  for (const bad of [{ t: "out", id: 0, data: "x" }, { t: "out", id: 1, data: 5 }]) {
    assert.equal(validateChildFrame(bad), undefined);
  }
  assert.equal(validateChildFrame({ t: "out", id: 1, data: "x".repeat(64 * 1024 + 1) }), undefined);
});

Deno.test("compareHandlers() compares commands; an SDK without them reads as none", () => {
  const { commands: _, ...old } = { ...none, commands: [] };
  assert.deepEqual(compareHandlers({ ...none, commands: [] }, old), []);
  assert.match(
    compareHandlers({ ...none, commands: ["notify"] }, old)[0]!,
    /command "notify" is declared in plugin\.yaml/,
  );
});
