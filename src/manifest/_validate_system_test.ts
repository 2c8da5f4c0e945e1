import assert from "node:assert/strict";
import { minimal, problemsOf, valid } from "./_testing.ts";

const addon = (extra: Record<string, unknown> = {}) =>
  minimal({ kind: "system", entry: "addon.sh", ...extra });

Deno.test("kind: system takes a bash entry, fills every operation's timeout and stays a plugin otherwise", () => {
  const m = valid(addon({ operations: { install: { timeout_s: 1800 } } }));
  assert.equal(m.kind, "system");
  assert.equal(m.entry, "addon.sh");
  assert.equal(m.operations?.install.timeout_s, 1800);
  assert.equal(m.operations?.status.timeout_s, 30);
  assert.equal(valid(minimal({ kind: "system" })).entry, "addon.sh");
  const plain = valid(minimal());
  assert.equal(plain.kind, undefined);
  assert.equal(plain.operations, undefined);
});

Deno.test("privileged: true becomes the privileged permission, only for system addons", () => {
  assert.deepEqual(valid(addon({ privileged: true })).permissions, { privileged: ["root"] });
  assert.deepEqual(valid(addon({ privileged: false })).permissions, {});
  const fields = (doc: Record<string, unknown>) => problemsOf(doc).map((p) => p.field);
  assert.deepEqual(fields(minimal({ privileged: true })), ["privileged"]);
  assert.deepEqual(fields(addon({ permissions: { privileged: ["root"] } })), [
    "permissions.privileged",
  ]);
});

Deno.test("a system addon refuses hooks, routes, cron, sys, emit and a module entry", () => {
  const problems = problemsOf(addon({
    entry: "main.ts",
    hooks: [{ action: "a.b" }],
    routes: ["GET /x"],
    cron: [{ name: "n", schedule: "* * * * *" }],
    permissions: { sys: ["hostname"], emit: ["x.*"] },
  }));
  assert.deepEqual(problems.map((p) => p.field).sort(), [
    "cron",
    "entry",
    "hooks",
    "permissions.emit",
    "permissions.sys",
    "routes",
  ]);
  assert.match(problems.find((p) => p.field === "entry")!.message, /\.sh/);
});

Deno.test("bad kind, operations and provides are named with their fix", () => {
  const problems = problemsOf(addon({
    kind: "daemon",
    operations: { install: { timeout_s: 0 } },
    provides: ["ok-name", "Bad", "ok-name", "test-plugin"],
  }));
  // With no valid kind the entry is judged as a module's, and addon.sh is not one.
  assert.deepEqual(problems.map((p) => p.field).sort(), [
    "entry",
    "kind",
    "operations",
    "provides[1]",
    "provides[2]",
    "provides[3]",
  ]);
  const ops = problemsOf(addon({ operations: { install: { timeout_s: 0 }, dance: {} } }));
  assert.deepEqual(ops.map((p) => p.field).sort(), [
    "operations.dance",
    "operations.install.timeout_s",
  ]);
  assert.deepEqual(valid(minimal({ provides: ["postgresql"] })).provides, ["postgresql"]);
});
