import assert from "node:assert/strict";
import type { Permissions } from "./types.ts";
import { denoRunArgs } from "./deno_flags.ts";
import { PermissionError } from "./errors.ts";
import { VIEW } from "./_test_fixtures.ts";

const OPTIONS = { memoryMb: 128, daemonPort: 7420, view: VIEW };
const HEAD = ["run", "--no-prompt", "--no-config", "--no-remote", "--no-npm", "--cached-only"];
const TAIL = [
  "--v8-flags=--max-old-space-size=128,--single-threaded,--expose-gc",
  "--import-map=/plugd/prepared/import_map.json",
  "/plugd/prepared/bootstrap.ts",
];
const FULL_DENY = [
  "0.0.0.0/8",
  "0.0.0.0:7420",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "127.0.0.1:7420",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "224.0.0.0/4",
  "255.255.255.255",
  "[::1]",
  "[::1]:7420",
  "[::]",
  "[::]:7420",
  "localhost",
  "localhost:7420",
];

const args = (p: Permissions) => denoRunArgs(p, OPTIONS);
const denyOf = (p: Permissions) =>
  args(p).find((a) => a.startsWith("--deny-net="))?.slice("--deny-net=".length).split(",");

Deno.test("denoRunArgs() with no permissions gives only the base flags", () => {
  assert.deepEqual(args({}), [...HEAD, ...TAIL]);
});

Deno.test("denoRunArgs() maps the SPEC example onto sorted flags", () => {
  assert.deepEqual(
    args({
      net: ["hooks.slack.com:443"],
      read: ["$PLUGIN/templates"],
      write: ["$DATA"],
      env: ["HTTPS_PROXY"],
      sys: ["hostname"],
      emit: ["slack.*"],
    }),
    [
      ...HEAD,
      "--allow-env=HTTPS_PROXY",
      "--allow-net=hooks.slack.com:443",
      "--allow-read=/plugin/templates",
      "--allow-sys=hostname",
      "--allow-write=/data",
      `--deny-net=${FULL_DENY.join(",")}`,
      ...TAIL,
    ],
  );
});

const ONE_KIND: [Permissions, string[]][] = [
  [{ net: ["b.example.com:443", "a.example.com", "b.example.com:443"] }, [
    "--allow-net=a.example.com,b.example.com:443",
  ]],
  [{ read: ["$TMP", "$DATA", "/etc/ssl", "$DATA/x"] }, [
    "--allow-read=/data,/data/x,/etc/ssl,/tmp",
  ]],
  [{ write: ["$TMP/x", "/srv/out"] }, ["--allow-write=/srv/out,/tmp/x"]],
  [{ env: ["TZ", "HTTPS_PROXY"] }, ["--allow-env=HTTPS_PROXY,TZ"]],
  [{ sys: ["osRelease", "hostname"] }, ["--allow-sys=hostname,osRelease"]],
  [{ run: ["/usr/bin/git", "/bin/tar"] }, ["--allow-run=/bin/tar,/usr/bin/git"]],
  [{ emit: ["slack.*"] }, []],
  [{ net: [], read: [], write: [], env: [], sys: [], run: [], emit: [] }, []],
];

for (const [permissions, flags] of ONE_KIND) {
  Deno.test(`denoRunArgs(${JSON.stringify(permissions)}) allows exactly ${flags.join(" ") || "nothing"}`, () => {
    assert.deepEqual(args(permissions).filter((a) => a.startsWith("--allow-")), flags);
  });
}

Deno.test("denoRunArgs() adds --deny-net only with a net grant", () => {
  assert.equal(denyOf({ read: ["$DATA"] }), undefined);
  assert.deepEqual(denyOf({ net: ["api.example.com:443"] }), FULL_DENY);
});

const DENY_CASES: [string, string, string[], string[]][] = [
  ["a private IP lifts its range only", "10.1.2.3:5432", ["10.0.0.0/8"], ["172.16.0.0/12"]],
  ["localhost lifts 127/8, localhost and [::1]", "localhost:8080", [
    "127.0.0.0/8",
    "localhost",
    "[::1]",
  ], [
    "127.0.0.1:7420",
    "localhost:7420",
    "[::1]:7420",
  ]],
  ["127.0.0.1 lifts 127/8 and localhost", "127.0.0.1:8080", ["127.0.0.0/8", "localhost"], [
    "[::1]",
  ]],
  ["[::1] lifts [::1] and localhost", "[::1]:8080", ["[::1]", "localhost"], ["127.0.0.0/8"]],
  ["0.0.0.0 lifts 0/8 only", "0.0.0.0:8080", ["0.0.0.0/8"], ["0.0.0.0:7420", "127.0.0.0/8"]],
  ["link-local lifts 169.254/16", "169.254.169.254:80", ["169.254.0.0/16"], ["10.0.0.0/8"]],
  ["CGNAT lifts 100.64/10", "100.64.1.1:80", ["100.64.0.0/10"], []],
  ["a public IP lifts nothing", "93.184.216.34:443", [], FULL_DENY],
  ["a name lifts nothing, even a local one", "db.internal:5432", [], FULL_DENY],
  [
    "a host granted all ports still gets its daemon port denied",
    "192.168.1.10",
    ["192.168.0.0/16"],
    [
      "192.168.1.10:7420",
    ],
  ],
  ["a public name granted all ports gets its daemon port denied", "api.example.com", [], [
    "api.example.com:7420",
  ]],
];

for (const [name, entry, lifted, kept] of DENY_CASES) {
  Deno.test(`denoRunArgs() deny-net: ${name}`, () => {
    const deny = denyOf({ net: [entry] })!;
    for (const v of lifted) assert.ok(!deny.includes(v), `${v} should be lifted`);
    for (const v of kept) assert.ok(deny.includes(v), `${v} should stay`);
  });
}

Deno.test("denoRunArgs() throws PermissionError naming the first problem and the count", () => {
  assert.throws(
    () => args({ net: ["localhost"], read: ["/"] }),
    (e: unknown) =>
      e instanceof PermissionError && e.field === "permissions.net[0]" &&
      /1 more problem/.test(e.message),
  );
});

Deno.test("denoRunArgs() validates memory_mb", () => {
  for (const memory_mb of [0, -1, 1.5, NaN]) {
    assert.throws(() => denoRunArgs({}, { ...OPTIONS, memoryMb: memory_mb }), RangeError);
  }
});

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

Deno.test("denoRunArgs() output does not depend on entry or key order", () => {
  const p: Permissions = {
    net: [
      "b.example.com:443",
      "10.0.0.5:5432",
      "a.example.com",
      "localhost:8080",
      "b.example.com:443",
    ],
    read: ["$PLUGIN", "/etc/ssl", "$DATA/x", "$TMP"],
    write: ["$TMP", "$DATA"],
    env: ["TZ", "HTTPS_PROXY", "LANG"],
    sys: ["loadavg", "hostname"],
    run: ["/usr/bin/git", "/bin/tar"],
    emit: ["a.*", "b.x"],
  };
  const expected = args(p);
  for (let seed = 1; seed <= 20; seed++) {
    const keys = shuffled(Object.keys(p) as (keyof Permissions)[], seed);
    const q = Object.fromEntries(keys.map((k) => [k, shuffled(p[k]!, seed * 7)])) as Permissions;
    assert.deepEqual(args(q), expected);
  }
});
