import assert from "node:assert/strict";
import type { Permissions } from "./types.ts";
import { grantProblems } from "./check_grantable.ts";
import { HOST } from "./_test_fixtures.ts";

const GRANTABLE: [string, Permissions][] = [
  ["net public host with port", { net: ["api.example.com:443"] }],
  ["net public host without port", { net: ["api.example.com"] }],
  ["net loopback with port", { net: ["localhost:8080", "127.0.0.1:5432", "[::1]:6379"] }],
  ["net private IPs", { net: ["10.1.2.3:5432", "192.168.1.10"] }],
  ["net 0.0.0.0 with a port", { net: ["0.0.0.0:8080"] }],
  ["read own folders", { read: ["$PLUGIN", "$PLUGIN/templates", "$DATA", "$TMP/x"] }],
  ["read host paths", { read: ["/etc/ssl/certs", "/usr/share/zoneinfo", "/srv/plugd-stat"] }],
  ["write own data and tmp", { write: ["$DATA", "$DATA/cache", "$TMP"] }],
  ["write host path", { write: ["/srv/exports"] }],
  ["env names", { env: ["HTTPS_PROXY", "TZ", "_X1"] }],
  ["sys names", { sys: ["hostname", "osRelease", "loadavg", "userInfo"] }],
  ["run absolute", { run: ["/usr/bin/git"] }],
  ["emit own types", { emit: ["slack.*", "slack.sent", "plugins.x", "plugin_like.x"] }],
  ["empty lists are ignored", { net: [], read: [] }],
  ["nothing", {}],
];

for (const [name, permissions] of GRANTABLE) {
  Deno.test(`grantProblems() accepts ${name}`, () => {
    assert.deepEqual(grantProblems(permissions, HOST), []);
  });
}

// [permissions, field, message pattern]
const REFUSED: [Permissions, string, RegExp][] = [
  // host rules: this host's state dir, protected paths and port
  [{ read: ["/srv"] }, "permissions.read[0]", /would include the daemon's state dir.*narrower/],
  [{ read: ["/srv/plugd-state"] }, "permissions.read[0]", /is the daemon's state dir/],
  [{ read: ["/srv/plugd-state/data/bar"] }, "permissions.read[0]", /state dir .* or inside it/],
  [{ write: ["/srv/plugd-state/data/foo"] }, "permissions.write[0]", /state dir/],
  [{ read: ["/srv/sockets"] }, "permissions.read[0]", /include the protected path/],
  [{ read: ["/srv/sockets/plugd.sock"] }, "permissions.read[0]", /is the protected path/],
  [{ write: ["/home/ops/plugd/src"] }, "permissions.write[0]", /protected path \/home\/ops\/plugd/],
  [{ run: ["/srv/plugd-state/plugins/bar/x"] }, "permissions.run[0]", /state dir/],
  [{ net: ["127.0.0.1:7420"] }, "permissions.net[0]", /daemon's own HTTP API/],
  [{ net: ["localhost:7420"] }, "permissions.net[0]", /7420/],
  [{ net: ["0.0.0.0:7420"] }, "permissions.net[0]", /7420/],
  [{ net: ["[::1]:7420"] }, "permissions.net[0]", /7420/],
  [{ net: ["api.example.com:7420"] }, "permissions.net[0]", /any host/],
  // the grammar: refused on every host
  [{ read: ["/"] }, "permissions.read[0]", /whole file system/],
  [{ read: ["/var"] }, "permissions.read[0]", /include the plugd location \/var\/lib\/plugd/],
  [{ read: ["/var/lib/plugd"] }, "permissions.read[0]", /plugd location/],
  [{ write: ["/opt/plugd/main.ts"] }, "permissions.write[0]", /plugd location \/opt\/plugd/],
  [{ read: ["/etc/plugd"] }, "permissions.read[0]", /plugd location/],
  [{ read: ["/run"] }, "permissions.read[0]", /include the plugd location \/run\/plugd/],
  [{ read: ["/tmp"] }, "permissions.read[0]", /sandbox's own \/tmp/],
  [{ read: ["/tmp/x"] }, "permissions.read[0]", /sandbox's own/],
  [{ read: ["/proc/self/environ"] }, "permissions.read[0]", /sandbox's own \/proc/],
  [{ read: ["/data"] }, "permissions.read[0]", /sandbox's own/],
  [{ read: ["templates"] }, "permissions.read[0]", /relative/],
  [{ read: ["$PLUGIN/../bar"] }, "permissions.read[0]", /\.\./],
  [{ read: ["/etc//ssl"] }, "permissions.read[0]", /empty or "\." segments/],
  [{ write: ["$PLUGIN"] }, "permissions.write[0]", /\$PLUGIN is read-only/],
  [{ write: ["$PLUGIN/x"] }, "permissions.write[0]", /read-only/],
  [{ net: ["localhost"] }, "permissions.net[0]", /name the port/],
  [{ net: ["127.0.0.1"] }, "permissions.net[0]", /name the port/],
  [{ net: ["127.5.5.5"] }, "permissions.net[0]", /name the port/],
  [{ net: ["0.0.0.0"] }, "permissions.net[0]", /name the port/],
  [{ net: ["[::1]"] }, "permissions.net[0]", /name the port/],
  [{ net: ["[::]"] }, "permissions.net[0]", /name the port/],
  [{ net: ["app.localhost"] }, "permissions.net[0]", /name the port/],
  [{ net: ["2130706433:80"] }, "permissions.net[0]", /dotted quad/],
  [{ net: ["0x7f000001:80"] }, "permissions.net[0]", /dotted quad/],
  [{ net: ["127.1:80"] }, "permissions.net[0]", /dotted quad/],
  [{ net: ["[::ffff:127.0.0.1]:80"] }, "permissions.net[0]", /dotted quad/],
  [{ net: ["API.Example.com:443"] }, "permissions.net[0]", /lowercase/],
  [{ net: ["*.example.com"] }, "permissions.net[0]", /wildcards/],
  [
    { net: ["unix:/run/plugd/plugd.sock"] },
    "permissions.net[0]",
    /Unix sockets are never grantable/,
  ],
  [{ net: ["a.com,127.0.0.1:7420"] }, "permissions.net[0]", /","/],
  [{ run: ["git"] }, "permissions.run[0]", /absolute path/],
  [{ run: ["$PLUGIN/bin/tool"] }, "permissions.run[0]", /absolute path/],
  [{ emit: ["plugin.installed"] }, "permissions.emit[0]", /plugin\.\* events/],
  [{ emit: ["plugin.*"] }, "permissions.emit[0]", /never grantable/],
  [{ emit: ["*"] }, "permissions.emit[0]", /never grantable/],
  [{ emit: ["plug*"] }, "permissions.emit[0]", /not an event type/],
  [{ emit: ["foo*"] }, "permissions.emit[0]", /not an event type/],
  [{ emit: ["Slack.Sent"] }, "permissions.emit[0]", /not an event type/],
  [{ env: ["PLUGD_MASTER_KEY_FILE"] }, "permissions.env[0]", /never grantable/],
  [{ env: ["DENO_AUTH_TOKENS"] }, "permissions.env[0]", /never grantable/],
  [{ env: ["LD_PRELOAD"] }, "permissions.env[0]", /never grantable/],
  [{ env: ["AWS_*"] }, "permissions.env[0]", /no wildcards/],
  [{ sys: ["everything"] }, "permissions.sys[0]", /not a Deno sys permission/],
  [{ ffi: ["x"] } as Permissions, "permissions.ffi", /native code/],
  [{ all: true } as unknown as Permissions, "permissions.all", /one kind at a time/],
  [{ net: "a.com" } as unknown as Permissions, "permissions.net", /must be a list/],
  [{ read: [42] } as unknown as Permissions, "permissions.read[0]", /non-empty string/],
];

for (const [permissions, field, pattern] of REFUSED) {
  Deno.test(`grantProblems() refuses ${JSON.stringify(permissions)}`, () => {
    const problems = grantProblems(permissions, HOST);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0]!.field, field);
    assert.match(problems[0]!.message, pattern);
  });
}

Deno.test("grantProblems() lists every problem, grammar and host rules, in key order", () => {
  const problems = grantProblems(
    {
      emit: ["plugin.failed"],
      net: ["ok.example.com:443", "localhost", "x.example.com:7420"],
      read: ["$DATA", "/srv/plugd-state"],
    },
    HOST,
  );
  assert.deepEqual(problems.map((p) => p.field), [
    "permissions.net[1]",
    "permissions.net[2]",
    "permissions.read[1]",
    "permissions.emit[0]",
  ]);
});

Deno.test("grantProblems() refuses a host whose paths are not absolute", () => {
  assert.throws(() => grantProblems({}, { ...HOST, stateDir: "state" }), TypeError);
  assert.throws(() => grantProblems({}, { ...HOST, daemonPort: 0 }), RangeError);
});
