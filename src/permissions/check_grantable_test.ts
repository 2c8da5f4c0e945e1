import assert from "node:assert/strict";
import type { Permissions } from "../manifest/types.ts";
import { grantProblems } from "./check_grantable.ts";
import { HOST } from "./_test_fixtures.ts";

const GRANTABLE: [string, Permissions][] = [
  ["net public host with port", { net: ["api.example.com:443"] }],
  ["net public host without port", { net: ["api.example.com"] }],
  ["net loopback with port", { net: ["localhost:8080", "127.0.0.1:5432", "[::1]:6379"] }],
  ["net private IPs", { net: ["10.1.2.3:5432", "192.168.1.10"] }],
  ["net 0.0.0.0 with a port", { net: ["0.0.0.0:8080"] }],
  ["read own folders", { read: ["$PLUGIN", "$PLUGIN/templates", "$DATA", "$TMP/x"] }],
  ["read absolute own folders", { read: ["/var/lib/plugd/plugins/foo/x", "/tmp/plugd/foo"] }],
  ["read host paths", { read: ["/etc/ssl/certs", "/usr/share/zoneinfo"] }],
  ["write own data and tmp", { write: ["$DATA", "$DATA/cache", "$TMP"] }],
  ["write host path", { write: ["/srv/exports"] }],
  ["env names", { env: ["HTTPS_PROXY", "TZ", "_X1"] }],
  ["sys names", { sys: ["hostname", "osRelease", "loadavg"] }],
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
  [{ read: ["/"] }, "permissions.read[0]", /would include the daemon's state dir/],
  [{ read: ["/var"] }, "permissions.read[0]", /would include the daemon's state dir.*narrower/],
  [{ read: ["/var/lib/plugd"] }, "permissions.read[0]", /state dir/],
  [{ read: ["/var/lib/plugd/plugd.db"] }, "permissions.read[0]", /inside the daemon's state dir/],
  [{ read: ["/var/lib/plugd/data"] }, "permissions.read[0]", /inside the daemon's state dir/],
  [{ read: ["/var/lib/plugd/data/bar"] }, "permissions.read[0]", /state dir/],
  [{ read: ["/var/lib/plugd/plugins/bar/x"] }, "permissions.read[0]", /state dir/],
  [
    { read: ["/run/plugd"] },
    "permissions.read[0]",
    /include the protected path \/run\/plugd\/plugd.sock/,
  ],
  [{ read: ["/run/plugd/plugd.sock"] }, "permissions.read[0]", /is the protected path/],
  [{ read: ["/tmp"] }, "permissions.read[0]", /protected path \/tmp\/plugd/],
  [{ read: ["/tmp/plugd/bar"] }, "permissions.read[0]", /or inside it/],
  [{ read: ["templates"] }, "permissions.read[0]", /relative path/],
  [{ read: ["$PLUGIN/../bar"] }, "permissions.read[0]", /\.\./],
  [{ write: ["$PLUGIN"] }, "permissions.write[0]", /\$PLUGIN is read-only/],
  [{ write: ["$PLUGIN/x"] }, "permissions.write[0]", /read-only/],
  [{ write: ["/var/lib/plugd/plugins/foo"] }, "permissions.write[0]", /read-only/],
  [{ write: ["/"] }, "permissions.write[0]", /state dir/],
  [{ write: ["/var/lib/plugd/data/bar"] }, "permissions.write[0]", /state dir/],
  [{ net: ["127.0.0.1:7420"] }, "permissions.net[0]", /daemon's own HTTP API/],
  [{ net: ["localhost:7420"] }, "permissions.net[0]", /7420/],
  [{ net: ["0.0.0.0:7420"] }, "permissions.net[0]", /7420/],
  [{ net: ["[::1]:7420"] }, "permissions.net[0]", /7420/],
  [{ net: ["api.example.com:7420"] }, "permissions.net[0]", /any host/],
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
  [
    { net: ["unix:/run/plugd/plugd.sock"] },
    "permissions.net[0]",
    /Unix sockets are never grantable/,
  ],
  [{ net: ["a.com,127.0.0.1:7420"] }, "permissions.net[0]", /commas/],
  [{ run: ["git"] }, "permissions.run[0]", /absolute path/],
  [{ run: ["$PLUGIN/bin/tool"] }, "permissions.run[0]", /absolute path/],
  [{ run: ["/var/lib/plugd/plugins/bar/x"] }, "permissions.run[0]", /state dir/],
  [{ emit: ["plugin.installed"] }, "permissions.emit[0]", /plugin\.\* events/],
  [{ emit: ["plugin.*"] }, "permissions.emit[0]", /never grantable/],
  [{ emit: ["*"] }, "permissions.emit[0]", /never grantable/],
  [{ emit: ["plug*"] }, "permissions.emit[0]", /never grantable/],
  [{ emit: ["Slack.Sent"] }, "permissions.emit[0]", /not an event type/],
  [{ env: ["PLUGD_MASTER_KEY_FILE"] }, "permissions.env[0]", /never grantable/],
  [{ env: ["DENO_AUTH_TOKENS"] }, "permissions.env[0]", /never grantable/],
  [{ env: ["LD_PRELOAD"] }, "permissions.env[0]", /never grantable/],
  [{ env: ["AWS_*"] }, "permissions.env[0]", /no wildcards/],
  [{ sys: ["everything"] }, "permissions.sys[0]", /unknown sys value/],
  [{ ffi: ["x"] } as Permissions, "permissions.ffi", /never grantable \(native code/],
  [{ all: true } as unknown as Permissions, "permissions.all", /never grantable/],
  [{ net: "a.com" } as unknown as Permissions, "permissions.net", /list of strings/],
  [{ read: [42] } as unknown as Permissions, "permissions.read[0]", /must be a string/],
];

for (const [permissions, field, pattern] of REFUSED) {
  Deno.test(`grantProblems() refuses ${JSON.stringify(permissions)}`, () => {
    const problems = grantProblems(permissions, HOST);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0]!.field, field);
    assert.match(problems[0]!.message, pattern);
  });
}

Deno.test("grantProblems() lists every problem, not only the first", () => {
  const problems = grantProblems(
    { net: ["ok.example.com:443", "localhost"], read: ["$DATA", "/"], emit: ["plugin.failed"] },
    HOST,
  );
  assert.deepEqual(problems.map((p) => p.field), [
    "permissions.net[1]",
    "permissions.read[1]",
    "permissions.emit[0]",
  ]);
});

Deno.test("grantProblems() refuses a host whose paths are not absolute", () => {
  assert.throws(() => grantProblems({}, { ...HOST, stateDir: "state" }), TypeError);
  assert.throws(() => grantProblems({}, { ...HOST, daemonPort: 0 }), RangeError);
});
