import assert from "node:assert/strict";
import { isLocalName, parseNetEntry } from "./net_entry.ts";

Deno.test("parseNetEntry() reads names, dotted quads and bracketed IPv6 with optional port", () => {
  assert.deepEqual(parseNetEntry("api.example.com:443"), {
    host: "api.example.com",
    port: 443,
    family: "name",
    addressClass: "name",
  });
  assert.deepEqual(parseNetEntry("10.1.2.3"), {
    host: "10.1.2.3",
    family: "ipv4",
    addressClass: "private",
  });
  assert.deepEqual(parseNetEntry("[::1]:8080"), {
    host: "[::1]",
    port: 8080,
    family: "ipv6",
    addressClass: "loopback",
  });
});

const REJECT: [string, RegExp][] = [
  ["", /non-empty/],
  ["a.com,b.com", /commas/],
  ["a.com :443", /spaces/],
  ["127.1", /dotted quad/],
  ["2130706433:80", /dotted quad/],
  ["0x7f000001", /dotted quad/],
  ["0177.0.0.1:80", /dotted quad/],
  ["[::ffff:127.0.0.1]:80", /dotted quad/],
  ["[::ffff:7f00:1]:80", /dotted quad/],
  ["::1", /brackets/],
  ["[::1", /unclosed/],
  ["[::1]x", /':port'/],
  ["[fe80::1%eth0]:80", /not a valid IPv6/],
  ["a.com:0", /port "0"/],
  ["a.com:65536", /port/],
  ["a.com:", /port ""/],
  ["a.com:08", /port/],
  ["*.example.com", /wildcards/],
  ["10.0.0.0/8", /CIDR/],
  ["example.com.", /trailing dot/],
  ["Example.com", /lowercase/],
  ["-bad-.com", /not a valid host name/],
  ["unix:/run/x.sock", /Unix sockets/],
];

for (const [entry, pattern] of REJECT) {
  Deno.test(`parseNetEntry(${JSON.stringify(entry)}) throws RangeError`, () => {
    assert.throws(
      () => parseNetEntry(entry),
      (e: unknown) => e instanceof RangeError && pattern.test(e.message),
    );
  });
}

Deno.test("isLocalName() flags single-label and private-suffix names", () => {
  for (
    const n of [
      "db",
      "printer.local",
      "metadata.google.internal",
      "nas.home.arpa",
      "x.lan",
      "x.corp",
    ]
  ) {
    assert.equal(isLocalName(n), true, n);
  }
  for (const n of ["api.example.com", "hooks.slack.com", "internal.example.com"]) {
    assert.equal(isLocalName(n), false, n);
  }
});
