/**
 * Classify IP literals and host names by where they lead (loopback, private, metadata, ...).
 *
 * Pure string work, no DNS: a name is only classified when its meaning is fixed by standard
 * (`localhost`, `*.localhost`, RFC 6761). The webhook SSRF guard calls this again on the
 * addresses a name resolved to. Numeric IPv4 forms that URL parsers and `inet_aton` accept
 * (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`) are decoded the same way they do.
 * This file is longer than most because the range tables belong together.
 *
 * @module
 */

/** Where an address leads. `name` means "a DNS name: resolve it, then classify the address". */
export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "unspecified"
  | "cgnat"
  | "multicast"
  | "metadata"
  | "reserved"
  | "name";

type V4Range = readonly [base: string, prefix: number, cls: AddressClass];

// Most specific first: the first matching range decides.
const V4_RANGES: readonly V4Range[] = [
  ["169.254.169.254", 32, "metadata"], // AWS, GCP, Azure, OpenStack instance metadata
  ["169.254.170.2", 32, "metadata"], // AWS ECS task metadata
  ["100.100.100.200", 32, "metadata"], // Alibaba Cloud metadata
  ["0.0.0.0", 8, "unspecified"], // connecting to 0.0.0.0 reaches the local host on Linux
  ["127.0.0.0", 8, "loopback"],
  ["10.0.0.0", 8, "private"],
  ["172.16.0.0", 12, "private"],
  ["192.168.0.0", 16, "private"],
  ["100.64.0.0", 10, "cgnat"],
  ["169.254.0.0", 16, "link-local"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"], // includes 255.255.255.255 (broadcast)
  ["192.0.0.0", 24, "reserved"], // IETF protocol assignments
  ["192.0.2.0", 24, "reserved"], // TEST-NET-1
  ["198.18.0.0", 15, "reserved"], // benchmarking
  ["198.51.100.0", 24, "reserved"], // TEST-NET-2
  ["203.0.113.0", 24, "reserved"], // TEST-NET-3
];

/** Parses a canonical dotted quad (`10.1.2.3`; no leading zeros) into a uint32, else `null`. */
export function parseDottedQuad(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/**
 * Parses any IPv4 form the WHATWG URL parser accepts (`127.1`, `2130706433`, `0x7f.1`,
 * `0177.0.0.1`, a trailing dot) into a uint32, else `null`.
 */
export function parseLooseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIPv4Number(part);
    if (n === null) return null;
    numbers.push(n);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 256 ** (5 - parts.length)) return null;
  let value = last;
  numbers.forEach((n, i) => (value += n * 256 ** (3 - i)));
  return value;
}

function parseIPv4Number(part: string): number | null {
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return null;
}

/** True when the last label is numeric: URL parsers then treat the whole host as IPv4. */
export function endsInNumber(host: string): boolean {
  const labels = host.split(".");
  if (labels.length > 1 && labels[labels.length - 1] === "") labels.pop();
  const last = labels[labels.length - 1] ?? "";
  return /^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/i.test(last);
}

/** Parses an IPv6 literal (no brackets, no zone) into eight 16-bit groups, else `null`. */
export function parseIPv6(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] === "" ? [] : halves[0]!.split(":");
  const tail = halves.length === 2 ? (halves[1] === "" ? [] : halves[1]!.split(":")) : [];
  const groups: number[][] = [[], []];
  for (const [i, list] of [head, tail].entries()) {
    for (const [j, piece] of list.entries()) {
      const isLast = i === (halves.length === 2 ? 1 : 0) && j === list.length - 1;
      const v4 = isLast && piece.includes(".") ? parseDottedQuad(piece) : null;
      if (v4 !== null) groups[i]!.push(v4 >>> 16, v4 & 0xffff);
      else if (/^[0-9a-f]{1,4}$/i.test(piece)) groups[i]!.push(parseInt(piece, 16));
      else return null;
    }
  }
  const given = groups[0]!.length + groups[1]!.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  return [...groups[0]!, ...new Array(8 - given).fill(0), ...groups[1]!];
}

/** True when the uint32 address lies in the IPv4 CIDR range `base/prefix`. */
export function inIPv4Range(address: number, base: string, prefix: number): boolean {
  const start = parseDottedQuad(base);
  if (start === null) throw new TypeError(`Invalid IPv4 range base "${base}"`);
  const size = 2 ** (32 - prefix);
  return address >= start && address < start + size;
}

/** Classifies a uint32 IPv4 address. */
export function classifyIPv4(address: number): AddressClass {
  for (const [base, prefix, cls] of V4_RANGES) {
    if (inIPv4Range(address, base, prefix)) return cls;
  }
  return "public";
}

/** Classifies eight IPv6 groups; IPv4 embedded by mapping, NAT64 or 6to4 is classified as IPv4. */
export function classifyIPv6(g: readonly number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const v4 = (hi: number, lo: number) => classifyIPv4(hi * 65536 + lo);
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return "unspecified";
  if (zeroTo(7) && g7 === 1) return "loopback";
  if (zeroTo(5) && g5 === 0xffff) return v4(g6, g7); // ::ffff:a.b.c.d mapped
  if (zeroTo(4) && g4 === 0xffff && g5 === 0) return v4(g6, g7); // ::ffff:0:a.b.c.d translated
  if (zeroTo(6)) return "reserved"; // deprecated IPv4-compatible ::a.b.c.d
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return v4(g6, g7); // NAT64 well-known prefix
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return "private"; // local-use NAT64
  if (g0 === 0x2002) return v4(g1, g2); // 6to4
  if (g0 === 0xfd00 && g1 === 0x0ec2 && g2 + g3 + g4 + g5 + g6 === 0 && g7 === 0x254) {
    return "metadata"; // AWS IPv6 instance metadata fd00:ec2::254
  }
  if ((g0 & 0xfe00) === 0xfc00) return "private"; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return "link-local"; // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return "private"; // fec0::/10 deprecated site-local
  if ((g0 & 0xff00) === 0xff00) return "multicast";
  if (g0 === 0x2001 && g1 === 0x0db8) return "reserved"; // documentation
  if (g0 === 0x2001 && g1 < 0x200) return "reserved"; // 2001::/23 incl. Teredo
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return "reserved"; // discard
  if ((g0 & 0xe000) === 0x2000) return "public"; // 2000::/3 global unicast
  return "reserved";
}

/**
 * Classifies a host as written in a URL or net entry: an IPv4 literal in any numeric form, an
 * IPv6 literal with or without brackets (a `%zone` is ignored), or a name. `localhost` and
 * `*.localhost` are `loopback` (RFC 6761); other names are `name`. A host that URL parsers
 * would read as IPv4 but that is not a valid address (`1.2.3.999`) is `reserved`.
 *
 * @example
 * ```ts
 * classifyAddress("0x7f000001"); // "loopback"
 * classifyAddress("[::ffff:10.0.0.1]"); // "private"
 * classifyAddress("api.example.com"); // "name"
 * ```
 */
export function classifyAddress(host: string): AddressClass {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h.includes(":")) {
    const groups = parseIPv6(h.replace(/%.*$/, ""));
    return groups === null ? "reserved" : classifyIPv6(groups);
  }
  if (endsInNumber(h)) {
    const v4 = parseLooseIPv4(h);
    return v4 === null ? "reserved" : classifyIPv4(v4);
  }
  const name = h.endsWith(".") ? h.slice(0, -1) : h;
  if (name === "localhost" || name.endsWith(".localhost")) return "loopback";
  return "name";
}
