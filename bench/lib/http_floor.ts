/**
 * The daemon-path floors: `POST`s over Unix-socket keep-alive connections to a bare `Deno.serve`
 * in another process that reads the body and answers. What any HTTP-over-socket API on this host
 * pays before it does anything: one request at a time (latency), and many clients at once
 * (throughput, the ceiling of any intake rate measured the same way).
 */
import { join } from "node:path";
import { SocketClient } from "./daemon_client.ts";

const SERVER = `
const path = Deno.args[0];
Deno.serve({ path, onListen() { console.log("ready"); } }, async (req) => {
  await req.arrayBuffer();
  return new Response('{"ok":true}', { headers: { "content-type": "application/json" } });
});
`;

/** Runs `use` against a bare server on a fresh socket, then stops it. */
async function withBareServer<T>(use: (c: SocketClient) => Promise<T>): Promise<T> {
  // Sync file ops: after heavy socket load Deno 2.9 may never resolve an async one (bench/run.ts).
  const dir = Deno.makeTempDirSync({ prefix: "plugd-bench-http-" });
  const script = join(dir, "serve.ts");
  const socket = join(dir, "s.sock");
  Deno.writeTextFileSync(script, SERVER);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--no-config", script, socket],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  try {
    await reader.read(); // "ready"
    using c = new SocketClient(socket);
    return await use(c);
  } finally {
    child.kill("SIGKILL");
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.status;
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Times `n` POSTs of `body` (after `warm` uncounted ones); ms each. */
export function socketHttpRoundTrips(
  n: number,
  body: (i: number) => string,
  warm = 300,
): Promise<number[]> {
  return withBareServer(async (c) => {
    const out: number[] = [];
    for (let i = 0; i < n + warm; i++) {
      const t = performance.now();
      const status = await c.postStatus("/v1/events?wait=true", body(i));
      if (status !== 200) throw new Error(`bare Deno.serve answered ${status}`);
      if (i >= warm) out.push(performance.now() - t);
    }
    return out;
  });
}

/** `clients` concurrent posters until `total` POSTs were answered, `rounds` times; rates/s. */
export function socketHttpThroughput(
  total: number,
  clients: number,
  rounds: number,
  body: (i: number) => string,
): Promise<number[]> {
  return withBareServer(async (c) => {
    const round = async (n: number) => {
      let next = 0;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: clients }, async () => {
        while (next < n) {
          const i = next++;
          const status = await c.postStatus("/v1/events", body(i));
          if (status !== 200) throw new Error(`bare Deno.serve answered ${status}`);
        }
      }));
      return n / ((performance.now() - t0) / 1000);
    };
    await round(Math.min(2000, total)); // warm-up
    const rates: number[] = [];
    for (let r = 0; r < rounds; r++) rates.push(await round(total));
    return rates;
  });
}
