import assert from "node:assert/strict";
import { checkPermissions } from "./grammar.ts";
import { denoRunArgs } from "./deno_flags.ts";
import { assessRisks } from "./risk.ts";
import { VIEW } from "./_test_fixtures.ts";

Deno.test("ui is low risk and public is high; neither gives a Deno flag", () => {
  const grant = { ui: ["page:pipelines", "widget:status@overview"], public: ["POST /github"] };
  assert.deepEqual(checkPermissions(grant).problems, []);
  assert.deepEqual(assessRisks(grant).map((r) => [r.kind, r.value, r.level]), [
    ["ui", "page:pipelines", "low"],
    ["ui", "widget:status@overview", "low"],
    ["public", "POST /github", "high"],
  ]);
  assert.match(assessRisks(grant)[2]!.reason, /anyone who can reach plugd/);
  const args = denoRunArgs(grant, { memoryMb: 64, daemonPort: 7420, view: VIEW });
  assert.ok(args.every((a) => !a.startsWith("--allow-")), args.join(" "));
});

Deno.test("ui and public entries follow their grammar", () => {
  const bad = {
    ui: ["page:x@overview", "widget:y", "widget:y@sidebar", "tab:z", "page:Bad"],
    public: ["FETCH /x", "POST x", "POST /a//b", "POST /a b"],
  };
  const fields = checkPermissions(bad).problems.map((p) => p.field);
  assert.deepEqual(fields, [
    "permissions.ui[0]",
    "permissions.ui[1]",
    "permissions.ui[2]",
    "permissions.ui[3]",
    "permissions.ui[4]",
    "permissions.public[0]",
    "permissions.public[1]",
    "permissions.public[2]",
    "permissions.public[3]",
  ]);
});
