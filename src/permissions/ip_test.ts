import assert from "node:assert/strict";
import {
  type AddressClass,
  classifyAddress,
  parseDottedQuad,
  parseIPv6,
  parseLooseIPv4,
} from "./ip.ts";

const CLASSIFY_CASES: [string, AddressClass][] = [
  ["8.8.8.8", "public"],
  ["93.184.216.34", "public"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["127.1", "loopback"],
  ["2130706433", "loopback"],
  ["0x7f000001", "loopback"],
  ["0x7f.1", "loopback"],
  ["0177.0.0.1", "loopback"],
  ["017700000001", "loopback"],
  ["127.0.0.1.", "loopback"],
  ["localhost", "loopback"],
  ["LOCALHOST", "loopback"],
  ["localhost.", "loopback"],
  ["app.localhost", "loopback"],
  ["[::1]", "loopback"],
  ["::1", "loopback"],
  ["[0:0:0:0:0:0:0:1]", "loopback"],
  ["[::ffff:127.0.0.1]", "loopback"],
  ["[::ffff:7f00:1]", "loopback"],
  ["[64:ff9b::7f00:1]", "loopback"],
  ["[2002:7f00:1::]", "loopback"],
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["172.32.0.1", "public"],
  ["172.15.255.255", "public"],
  ["192.168.1.1", "private"],
  ["0xa.1", "private"],
  ["[::ffff:10.0.0.1]", "private"],
  ["[fc00::1]", "private"],
  ["[fd12:3456::1]", "private"],
  ["[fec0::1]", "private"],
  ["169.254.1.1", "link-local"],
  ["[fe80::1]", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["[febf::1]", "link-local"],
  ["169.254.169.254", "metadata"],
  ["169.254.170.2", "metadata"],
  ["100.100.100.200", "metadata"],
  ["[fd00:ec2::254]", "metadata"],
  ["[::ffff:169.254.169.254]", "metadata"],
  ["0.0.0.0", "unspecified"],
  ["0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["[::]", "unspecified"],
  ["100.64.0.1", "cgnat"],
  ["100.127.255.255", "cgnat"],
  ["100.128.0.0", "public"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.255", "multicast"],
  ["[ff02::1]", "multicast"],
  ["255.255.255.255", "reserved"],
  ["240.0.0.1", "reserved"],
  ["192.0.2.1", "reserved"],
  ["198.18.0.1", "reserved"],
  ["[2001:db8::1]", "reserved"],
  ["[2001::1]", "reserved"],
  ["[::127.0.0.1]", "reserved"],
  ["[3fff::1]", "public"],
  ["[2606:4700::1111]", "public"],
  ["[4000::1]", "reserved"],
  ["1.2.3.256", "reserved"],
  ["1.2.3.4.5", "reserved"],
  ["foo.123", "reserved"],
  ["[::1::2]", "reserved"],
  ["api.example.com", "name"],
  ["db.internal", "name"],
  ["1.2.3.4.nip.io", "name"],
];

for (const [host, expected] of CLASSIFY_CASES) {
  Deno.test(`classifyAddress("${host}") is ${expected}`, () => {
    assert.equal(classifyAddress(host), expected);
  });
}

Deno.test("parseDottedQuad() accepts only canonical dotted quads", () => {
  assert.equal(parseDottedQuad("127.0.0.1"), 0x7f000001);
  assert.equal(parseDottedQuad("255.255.255.255"), 0xffffffff);
  for (
    const bad of [
      "127.1",
      "127.0.0.01",
      "2130706433",
      "1.2.3.256",
      "1.2.3.4.",
      " 1.2.3.4",
      "a.b.c.d",
    ]
  ) {
    assert.equal(parseDottedQuad(bad), null, bad);
  }
});

Deno.test("parseLooseIPv4() agrees with the URL parser", () => {
  for (const host of ["127.1", "2130706433", "0x7f000001", "0177.0.0.1", "10.1", "0x0a.0x01.2.3"]) {
    const viaUrl = new URL(`http://${host}/`).hostname;
    assert.equal(parseLooseIPv4(host), parseDottedQuad(viaUrl), host);
  }
  assert.equal(parseLooseIPv4("1.2.3.4.5"), null);
  assert.equal(parseLooseIPv4("256.1.1.1"), null);
  assert.equal(parseLooseIPv4("1.16777216"), null);
  assert.equal(parseLooseIPv4("09.1.1.1"), null);
});

Deno.test("parseIPv6() expands :: and embedded IPv4, rejects malformed input", () => {
  assert.deepEqual(parseIPv6("::"), [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(parseIPv6("1::"), [1, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(parseIPv6("::ffff:1.2.3.4"), [0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
  assert.deepEqual(parseIPv6("1:2:3:4:5:6:7:8"), [1, 2, 3, 4, 5, 6, 7, 8]);
  for (
    const bad of [
      ":1",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "1::2::3",
      "12345::",
      "1.2.3.4::",
      "g::",
    ]
  ) {
    assert.equal(parseIPv6(bad), null, bad);
  }
});
