/**
 * Child process of the durability test: posts `load.test` events over the Unix socket from
 * many concurrent clients and prints the id of every event answered 202, one per line, until
 * the daemon goes away. Run as `deno run -A _burst.ts <socket> <clients>`.
 */
const [socketPath, clientsArg] = Deno.args;
const client = Deno.createHttpClient({ proxy: { transport: "unix", path: socketPath! } });
const encoder = new TextEncoder();
let n = 0;
await Promise.all(Array.from({ length: Number(clientsArg ?? 32) }, async () => {
  while (true) {
    const id = `burst-${n++}`;
    try {
      const res = await fetch("http://plugd/v1/events", {
        method: "POST",
        client,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ specversion: "1.0", id, source: "/burst", type: "load.test" }),
      });
      await res.body?.cancel();
      if (res.status === 202) Deno.stdout.writeSync(encoder.encode(`${id}\n`));
    } catch {
      return; // the daemon is gone
    }
  }
}));
Deno.exit(0);
