import assert from "node:assert/strict";
import { initialAddonState } from "./addon_state.ts";
import {
  afterFailure,
  afterHealthReport,
  afterStatusReport,
  afterSuccess,
  isTransitional,
  parseHealthReport,
  parseStatusReport,
  statusWhileRunning,
} from "./transitions.ts";

const at = "2026-11-30T00:00:00.000Z";
const fresh = initialAddonState("pg");

Deno.test("operations show the seed's transitional statuses while they run", () => {
  assert.equal(statusWhileRunning("install"), "installing");
  assert.equal(statusWhileRunning("uninstall"), "uninstalling");
  assert.equal(statusWhileRunning("configure"), "configuring");
  assert.equal(statusWhileRunning("status"), undefined);
});

Deno.test("isTransitional() holds for the statuses only a running operation shows", () => {
  for (const op of ["install", "upgrade", "uninstall", "configure", "restore"] as const) {
    assert.equal(isTransitional(statusWhileRunning(op)!), true, op);
  }
  for (const status of ["not_installed", "installed", "degraded", "failed"] as const) {
    assert.equal(isTransitional(status), false, status);
  }
});

Deno.test("a status report sets status and health; installed but unhealthy is degraded", () => {
  const r = parseStatusReport({ status: "installed", health: "unhealthy", version: "14.2" });
  assert.ok(typeof r !== "string");
  const s = afterStatusReport(fresh, r, at);
  assert.equal(s.status, "degraded");
  assert.equal(s.reportedVersion, "14.2");
  const healed = afterHealthReport(s, parseHealthReport({ status: "healthy" }) as never, at);
  assert.equal(healed.status, "installed");
  assert.equal(healed.health, "healthy");
});

Deno.test("reports outside the seed's vocabularies are refused with the allowed values", () => {
  assert.match(String(parseStatusReport({ status: "up" })), /not one of not_installed/);
  assert.match(String(parseStatusReport([])), /one JSON object/);
  assert.match(String(parseHealthReport({ health: "fine" })), /not one of healthy/);
});

Deno.test("success and failure settle the status", () => {
  assert.equal(afterSuccess(fresh, "install", "not_installed", at).status, "installed");
  assert.equal(afterSuccess(fresh, "uninstall", "installed", at).status, "not_installed");
  assert.equal(afterSuccess(fresh, "backup", "installed", at).status, "installed");
  const failed = afterFailure(fresh, "install failed: exit 3", at);
  assert.equal(failed.status, "failed");
  assert.equal(failed.message, "install failed: exit 3");
});
