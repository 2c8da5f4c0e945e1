import { assertAccepted, assertRejections, type Rejection } from "./_testing.ts";

function perm(kind: string, entries: unknown): Record<string, unknown> {
  return { permissions: { [kind]: entries } };
}

Deno.test("permissions: refused and unknown kinds are rejected with a specific message", () => {
  assertRejections([
    {
      why: "ffi",
      doc: perm("ffi", ["x"]),
      field: "permissions.ffi",
      says: "native code can escape every wall; plugd never grants it",
    },
    { why: "all", doc: perm("all", true), field: "permissions.all", says: "one kind at a time" },
    { why: "import", doc: perm("import", ["x"]), field: "permissions.import" },
    { why: "hrtime", doc: perm("hrtime", ["x"]), field: "permissions.hrtime" },
    {
      why: "unknown",
      doc: perm("camera", ["x"]),
      field: "permissions.camera",
      says: "net, read, write",
    },
    { why: "not a mapping", doc: { permissions: ["net"] }, field: "permissions", says: "mapping" },
  ]);
});

Deno.test("permissions: every list must be a non-empty list of unique, comma-free strings", () => {
  assertRejections([
    {
      why: "empty list",
      doc: perm("net", []),
      field: "permissions.net",
      says: "omit the key to ask for nothing",
    },
    { why: "empty env", doc: perm("env", []), field: "permissions.env", says: "--allow-env" },
    {
      why: "string not list",
      doc: perm("net", "a.com"),
      field: "permissions.net",
      says: "must be a list",
    },
    { why: "null list", doc: perm("read", null), field: "permissions.read" },
    { why: "empty entry", doc: perm("env", [""]), field: "permissions.env[0]", says: "non-empty" },
    { why: "number entry", doc: perm("env", [1]), field: "permissions.env[0]" },
    { why: "comma", doc: perm("net", ["a.com,b.com"]), field: "permissions.net[0]", says: '","' },
    { why: "duplicate", doc: perm("env", ["A", "A"]), field: "permissions.env[1]", says: "twice" },
    { why: "control char", doc: perm("read", ["/a\nb"]), field: "permissions.read[0]" },
  ]);
});

Deno.test("permissions.net: accepts hosts, ports, IPv4 and bracketed IPv6", () => {
  assertAccepted([
    ["host", perm("net", ["example.com"])],
    ["host:port", perm("net", ["hooks.slack.com:443"])],
    ["ipv4", perm("net", ["203.0.113.7"])],
    ["ipv4:port", perm("net", ["10.0.0.1:8080"])],
    ["loopback ipv6:port", perm("net", ["[::1]:8080"])],
    ["ipv6:port", perm("net", ["[2001:db8::1]:443"])],
    ["single label with port", perm("net", ["localhost:8080"])],
  ]);
});

Deno.test("permissions.net: rejects schemes, paths, sockets, wildcards and bad ports", () => {
  const net = (e: string, says?: string): Rejection => ({
    why: e,
    doc: perm("net", [e]),
    field: "permissions.net[0]",
    says,
  });
  assertRejections([
    net("https://example.com", "scheme"),
    net("example.com/path", "path"),
    net("unix:/run/x.sock", "Unix sockets"),
    net("*", "wildcard"),
    net("*:443", "wildcard"),
    net("*.example.com", "wildcard"),
    net("a.*.com", "wildcard"),
    net("localhost", "name the port"),
    net("[::1]", "name the port"),
    net("API.Example.com:443", "lowercase"),
    net("example.com:0", "1 to 65535"),
    net("example.com:65536", "1 to 65535"),
    net("example.com:http", "port"),
    net("example.com:", "port"),
    net(":443", "empty"),
    net("::1", "brackets"),
    net("[::1", "]"),
    net("[zz::1]:80", "IPv6"),
    net("[::1]x", "port"),
    net("256.1.1.1", "IPv4"),
    net("127.1", "IPv4"),
    net("2130706433", "IPv4"),
    net("0x7f.1", "IPv4"),
    net("bad_host.com", "host name"),
    net("-a.com", "host name"),
    net("user@example.com", "user info"),
  ]);
});

Deno.test("permissions.read/write: accepts variables and absolute paths", () => {
  assertAccepted([
    [
      "$PLUGIN",
      perm("read", ["$PLUGIN", "$PLUGIN/templates", "$DATA", "$TMP/x", "/etc/ssl/certs"]),
    ],
    ["write data", perm("write", ["$DATA", "$DATA/cache", "$TMP", "/var/lib/x"])],
    ["space in path", perm("read", ["/opt/My App"])],
  ]);
});

Deno.test("permissions.read/write: rejects relative, traversal and $PLUGIN writes", () => {
  assertRejections([
    {
      why: "relative",
      doc: perm("read", ["templates"]),
      field: "permissions.read[0]",
      says: "relative",
    },
    { why: "home", doc: perm("read", ["~/x"]), field: "permissions.read[0]", says: "relative" },
    {
      why: "traversal",
      doc: perm("read", ["$PLUGIN/../other"]),
      field: "permissions.read[0]",
      says: "..",
    },
    {
      why: "abs traversal",
      doc: perm("write", ["/var/../etc"]),
      field: "permissions.write[0]",
      says: "..",
    },
    { why: "data traversal", doc: perm("write", ["$DATA/.."]), field: "permissions.write[0]" },
    {
      why: "plugin write",
      doc: perm("write", ["$PLUGIN"]),
      field: "permissions.write[0]",
      says: "read-only",
    },
    {
      why: "plugin sub write",
      doc: perm("write", ["$PLUGIN/x"]),
      field: "permissions.write[0]",
      says: "read-only",
    },
    {
      why: "unknown var",
      doc: perm("read", ["$HOME/x"]),
      field: "permissions.read[0]",
      says: "unknown variable",
    },
    { why: "var prefix", doc: perm("read", ["$PLUGINS"]), field: "permissions.read[0]" },
    {
      why: "root",
      doc: perm("read", ["/"]),
      field: "permissions.read[0]",
      says: "whole file system",
    },
    { why: "double slash", doc: perm("read", ["/etc//x"]), field: "permissions.read[0]" },
    { why: "trailing slash", doc: perm("read", ["$DATA/"]), field: "permissions.read[0]" },
  ]);
});

Deno.test("permissions.env/sys/run/emit: checks names, paths and event patterns", () => {
  assertAccepted([
    ["env", perm("env", ["HTTPS_PROXY", "_x1"])],
    ["sys", perm("sys", ["hostname", "osRelease", "loadavg", "username"])],
    ["run", perm("run", ["/usr/bin/git"])],
    ["emit", perm("emit", ["slack.*", "slack.sent", "a_b.c"])],
  ]);
  assertRejections([
    {
      why: "env dash",
      doc: perm("env", ["MY-VAR"]),
      field: "permissions.env[0]",
      says: "environment variable",
    },
    { why: "env digit", doc: perm("env", ["1X"]), field: "permissions.env[0]" },
    { why: "env wildcard", doc: perm("env", ["AWS_*"]), field: "permissions.env[0]" },
    {
      why: "sys unknown",
      doc: perm("sys", ["kernel"]),
      field: "permissions.sys[0]",
      says: "hostname",
    },
    {
      why: "run relative",
      doc: perm("run", ["git"]),
      field: "permissions.run[0]",
      says: "absolute",
    },
    { why: "run traversal", doc: perm("run", ["/usr/../bin/sh"]), field: "permissions.run[0]" },
    { why: "run folder", doc: perm("run", ["/usr/bin/"]), field: "permissions.run[0]" },
    {
      why: "emit plugin.*",
      doc: perm("emit", ["plugin.*"]),
      field: "permissions.emit[0]",
      says: "plugin.*",
    },
    {
      why: "emit plugin type",
      doc: perm("emit", ["plugin.installed"]),
      field: "permissions.emit[0]",
    },
    { why: "emit all", doc: perm("emit", ["*"]), field: "permissions.emit[0]", says: "plugin.*" },
    {
      why: "emit upper",
      doc: perm("emit", ["Slack.x"]),
      field: "permissions.emit[0]",
      says: "lowercase",
    },
    { why: "emit inner star", doc: perm("emit", ["a.*.b"]), field: "permissions.emit[0]" },
  ]);
});
