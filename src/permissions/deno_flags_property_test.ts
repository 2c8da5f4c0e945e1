import assert from "node:assert/strict";
import fc from "fast-check";
import type { Permissions } from "./types.ts";
import { grantProblems } from "./check_grantable.ts";
import { PLUGD_LOCATIONS } from "./reserved_paths.ts";
import { denoRunArgs } from "./deno_flags.ts";
import { isWithin } from "./expand_path.ts";
import { HOST, VIEW } from "./_test_fixtures.ts";

// Entries that are grantable on HOST, and hostile ones that must be refused or stay contained.
const GOOD_PATHS = ["$PLUGIN", "$PLUGIN/x", "$DATA", "$DATA/x", "$TMP", "$TMP/y", "/etc/ssl"];
const BAD_PATHS = [
  "/",
  "/srv",
  "/srv/plugd-state",
  "/srv/plugd-state/",
  "/srv/plugd-state/plugd.db",
  "/srv/plugd-state/data/bar",
  "/srv/plugd-state//plugins/foo/../bar",
  "/srv/sockets",
  "/home/ops",
  "/var",
  "/var/lib/plugd",
  "/run/plugd/plugd.sock",
  "/tmp",
  "/tmp/plugd/bar",
  "/data/x",
  "/plugin",
  "/proc/self/environ",
  "relative",
  "$HOME",
  "",
  "/a,/var/lib/plugd",
];
const HOSTS = [
  "api.example.com",
  "localhost",
  "127.0.0.1",
  "127.1",
  "2130706433",
  "0x7f000001",
  "0177.0.0.1",
  "0.0.0.0",
  "[::1]",
  "[::]",
  "[::ffff:127.0.0.1]",
  "10.1.2.3",
  "169.254.169.254",
  "db.internal",
  "unix:/run/plugd/plugd.sock",
  "",
];
const PORTS = ["", ":7420", ":443", ":8080", ":0", ":65536"];

const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: bad, weight: 1 });
const net = fc.tuple(fc.constantFrom(...HOSTS), fc.constantFrom(...PORTS)).map(([h, p]) => h + p);
const path = fc.oneof(
  fc.constantFrom(...GOOD_PATHS),
  fc.constantFrom(...BAD_PATHS),
  fc.string({ maxLength: 12 }),
);
const list = <T>(arb: fc.Arbitrary<T>) =>
  fc.option(fc.array(arb, { maxLength: 4 }), { nil: undefined });
const permissions: fc.Arbitrary<Permissions> = fc.record({
  net: list(
    mostly(
      fc.constantFrom("api.example.com:443", "10.1.2.3:5432", "localhost:8080"),
      fc.oneof(net, fc.string({ maxLength: 10 })),
    ),
  ),
  read: list(mostly(fc.constantFrom(...GOOD_PATHS), path)),
  write: list(mostly(fc.constantFrom("$DATA", "$TMP/x", "/srv/out"), path)),
  run: list(mostly(fc.constantFrom("/usr/bin/git"), path)),
  env: list(
    mostly(
      fc.constantFrom("TZ", "HTTPS_PROXY"),
      fc.constantFrom("PLUGD_DB_URL", "DENO_DIR", "A*", ""),
    ),
  ),
  sys: list(mostly(fc.constantFrom("hostname", "osRelease"), fc.constantFrom("all", ""))),
  emit: list(
    mostly(fc.constantFrom("slack.*", "x.y"), fc.constantFrom("plugin.failed", "*", "plugin*")),
  ),
}, { requiredKeys: [] });

const FORBIDDEN_FLAGS = new Set(["--allow-all", "-A", "--allow-ffi", "--allow-import"]);
const NEVER = [HOST.stateDir, ...HOST.forbiddenPaths, ...PLUGD_LOCATIONS];
const OWN = [VIEW.pluginDir, VIEW.dataDir, VIEW.tmpDir];

function assertSafe(args: string[]): void {
  for (const arg of args) {
    assert.ok(!FORBIDDEN_FLAGS.has(arg.split("=")[0]!), arg);
    if (!arg.startsWith("--allow-") && !arg.startsWith("--deny-")) continue;
    assert.ok(arg.includes("="), `bare flag ${arg}`);
    const values = arg.slice(arg.indexOf("=") + 1).split(",");
    assert.ok(values.every((v) => v !== ""), `empty value in ${arg}`);
    if (/^--allow-(read|write|run)=/.test(arg)) {
      for (const p of values) {
        assert.ok(p.startsWith("/"), `${p} is absolute`);
        if (OWN.some((dir) => isWithin(p, dir))) continue;
        for (const f of NEVER) assert.ok(!isWithin(p, f) && !isWithin(f, p), `${p} touches ${f}`);
      }
    }
    if (arg.startsWith("--allow-write=")) {
      assert.ok(values.every((p) => !isWithin(p, VIEW.pluginDir)));
    }
    if (arg.startsWith("--allow-net=")) {
      assert.ok(values.every((v) => !v.endsWith(":7420") && !v.startsWith("unix:")), arg);
    }
  }
  assert.ok(args.some((a) => a === "--no-npm") && args.at(-1) === VIEW.bootstrap);
}

Deno.test("grantProblems() + denoRunArgs() property: refused, or only safe flags", () => {
  let produced = 0;
  fc.assert(
    fc.property(permissions, (p) => {
      if (grantProblems(p, HOST).length > 0) return;
      const args = denoRunArgs(p, { memoryMb: 64, daemonPort: HOST.daemonPort, view: VIEW });
      produced++;
      assertSafe(args);
      if (p.net?.length) assert.ok(args.some((a) => a.startsWith("--deny-net=")));
    }),
    { numRuns: 2000 },
  );
  assert.ok(produced > 100, `only ${produced} grants were grantable: the generator is too hostile`);
});
