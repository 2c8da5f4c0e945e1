/**
 * A stand-in for journald's native socket (tests only): receives Unix datagrams on the path
 * given and prints each entry's fields as one JSON line. Run with --unstable-net.
 */
const path = Deno.args[0]!;
const conn = (Deno as unknown as {
  listenDatagram(
    o: { transport: "unixpacket"; path: string },
  ): AsyncIterable<[Uint8Array, unknown]>;
}).listenDatagram({ transport: "unixpacket", path });
console.log(JSON.stringify({ listening: path }));
for await (const [data] of conn) {
  const fields: Record<string, string> = {};
  const text = new TextDecoder().decode(data);
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  console.log(JSON.stringify(fields));
}
