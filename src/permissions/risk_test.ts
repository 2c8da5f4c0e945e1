import assert from "node:assert/strict";
import type { PermissionKind } from "./types.ts";
import { assessRisks, highestRisk } from "./risk.ts";
import type { RiskLevel } from "./types.ts";

const CASES: [PermissionKind, string, RiskLevel][] = [
  ["sys", "hostname", "low"],
  ["emit", "slack.*", "low"],
  ["env", "HTTPS_PROXY", "low"],
  ["net", "api.example.com:443", "medium"],
  ["net", "api.example.com", "medium"],
  ["net", "93.184.216.34:443", "medium"],
  ["net", "[2606:4700::1111]:443", "medium"],
  ["net", "localhost:8080", "high"],
  ["net", "app.localhost:8080", "high"],
  ["net", "127.0.0.1:5432", "high"],
  ["net", "[::1]:5432", "high"],
  ["net", "0.0.0.0:8080", "high"],
  ["net", "10.1.2.3:5432", "high"],
  ["net", "172.20.0.1:80", "high"],
  ["net", "192.168.1.1", "high"],
  ["net", "100.64.0.1:80", "high"],
  ["net", "169.254.169.254:80", "high"],
  ["net", "[fc00::1]:80", "high"],
  ["net", "[fd00::5]:80", "high"],
  ["net", "[fe80::1]:80", "high"],
  ["net", "printer.local:631", "high"],
  ["net", "metadata.google.internal:80", "high"],
  ["net", "db.internal:5432", "high"],
  ["net", "nas.home.arpa", "high"],
  ["net", "redis:6379", "high"],
  ["net", "127.1:80", "critical"],
  ["net", "unix:/run/x.sock", "critical"],
  ["read", "$PLUGIN", "medium"],
  ["read", "$PLUGIN/templates", "medium"],
  ["read", "$DATA", "medium"],
  ["read", "$TMP/x", "medium"],
  ["read", "/etc/ssl/certs", "high"],
  ["read", "/var/lib/plugd/data/foo/x", "critical"],
  ["write", "$DATA", "medium"],
  ["write", "$TMP", "medium"],
  ["write", "/srv/out", "critical"],
  ["write", "$PLUGIN", "critical"],
  ["run", "/usr/bin/git", "critical"],
];

for (const [kind, value, level] of CASES) {
  Deno.test(`assessRisks() rates ${kind} "${value}" ${level}`, () => {
    const risks = assessRisks({ [kind]: [value] });
    assert.equal(risks.length, 1);
    assert.deepEqual({ ...risks[0], reason: undefined }, { kind, value, level, reason: undefined });
    assert.ok(risks[0]!.reason.length > 0);
  });
}

Deno.test("assessRisks() gives one risk per entry in key order and keeps entry order", () => {
  const risks = assessRisks({
    emit: ["a.b"],
    net: ["b.example.com", "a.example.com"],
    run: ["/bin/x"],
  });
  assert.deepEqual(risks.map((r) => `${r.kind}:${r.value}`), [
    "net:b.example.com",
    "net:a.example.com",
    "run:/bin/x",
    "emit:a.b",
  ]);
});

Deno.test("assessRisks() rates entries the grammar refuses critical, with the reason", () => {
  const [risk] = assessRisks({ env: ["LD_PRELOAD"] });
  assert.equal(risk!.level, "critical");
  assert.match(risk!.reason, /not grantable: .*never grantable/);
});

Deno.test("highestRisk() picks the top level; low for nothing", () => {
  assert.equal(highestRisk([]), "low");
  assert.equal(highestRisk(assessRisks({ sys: ["hostname"], write: ["$DATA"] })), "medium");
  assert.equal(highestRisk(assessRisks({ net: ["10.0.0.1:80"], env: ["TZ"] })), "high");
  assert.equal(highestRisk(assessRisks({ run: ["/usr/bin/git"], read: ["/etc/ssl"] })), "critical");
});
