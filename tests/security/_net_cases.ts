/** Network cases: non-granted hosts, loopback in every spelling, a name that resolves to it. */
import type { SecurityCase } from "./_harness.ts";

/**
 * A host name other than `localhost` that `/etc/hosts` maps to a loopback address (this host has
 * `runsc`), or `undefined`. A grant of such a name passes `--allow-net` (Deno checks the name);
 * only `--deny-net=127.0.0.0/8`, checked on the resolved address, stops it.
 */
export async function loopbackAlias(): Promise<string | undefined> {
  const text = await Deno.readTextFile("/etc/hosts").catch(() => "");
  for (const line of text.split("\n")) {
    const [addr, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (!addr?.startsWith("127.")) continue;
    const name = names.find((n) => n !== "localhost" && /^[a-z0-9-]+$/.test(n));
    if (name) return name;
  }
  return undefined;
}

const fetchCase = (
  name: string,
  url: (port: number) => string,
  extra: Partial<SecurityCase> = {},
): SecurityCase => ({
  name,
  fixture: "net-prober",
  attempt: { name: "net.fetch", payload: (e) => ({ url: url(e.host.loopback.port) }) },
  expect: "fails",
  ...extra,
});

/** Cases for the `net-prober` fixture (granted only `example.com:443`). */
export function netCases(alias: string | undefined): SecurityCase[] {
  const cases: SecurityCase[] = [
    fetchCase("connect to a non-granted host", () => "https://example.org/", {
      reason: /Requires net access to "example\.org/,
      denied: true,
    }),
    fetchCase("connect to loopback 127.0.0.1", (p) => `http://127.0.0.1:${p}/`, {
      reason: /Requires net access/,
      denied: true,
    }),
    ...[
      ["localhost", "localhost"],
      ["decimal 2130706433", "2130706433"],
      ["hex 0x7f000001", "0x7f000001"],
      ["short 127.1", "127.1"],
      ["IPv6-mapped [::ffff:127.0.0.1]", "[::ffff:127.0.0.1]"],
      ["IPv6 [::1]", "[::1]"],
      ["unspecified 0.0.0.0", "0.0.0.0"],
    ].map(([what, host]) =>
      fetchCase(`connect to loopback spelled ${what}`, (p) => `http://${host}:${p}/`)
    ),
    {
      name: "Deno.connect to loopback",
      fixture: "net-prober",
      attempt: {
        name: "net.connect",
        payload: (e) => ({ host: "127.0.0.1", port: e.host.loopback.port }),
      },
      expect: "fails",
      reason: /Requires net access/,
      denied: true,
    },
    {
      name: "Deno.connect to a Unix socket",
      fixture: "net-prober",
      attempt: { name: "net.unix", payload: (e) => ({ path: `${e.host.stateDir}/plugd.sock` }) },
      expect: "fails",
      reason: /Requires (read|write|net) access/,
    },
  ];
  if (alias) {
    cases.push(fetchCase(
      `a granted name (${alias}) that resolves to 127.0.0.1 does not reach loopback`,
      (p) => `http://${alias}:${p}/`,
      {
        grant: (h) => ({ net: [`${alias}:${h.loopback.port}`] }),
        // The --deny-net wall (resolved address), not a DNS failure: the denial is counted.
        reason: /Requires net access to "127\.0\.0\.1/,
        denied: true,
      },
    ));
  } else {
    console.warn(
      "security corpus: no loopback alias in /etc/hosts; the name-rebinding case is skipped",
    );
  }
  return cases;
}
