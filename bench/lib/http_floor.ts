/**
 * The daemon-path floor: sequential `POST`s over one keep-alive Unix-socket connection to a bare
 * `Deno.serve` in another process that reads the body and answers 200. What any HTTP-over-socket
 * API on this host pays before it does anything.
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

/** Times `n` POSTs of `body` (after `warm` uncounted ones); ms each. */
export async function socketHttpRoundTrips(
  n: number,
  body: (i: number) => string,
  warm = 300,
): Promise<number[]> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-http-" });
  const script = join(dir, "serve.ts");
  const socket = join(dir, "s.sock");
  await Deno.writeTextFile(script, SERVER);
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
    const out: number[] = [];
    for (let i = 0; i < n + warm; i++) {
      const t = performance.now();
      const status = await c.postStatus("/v1/events?wait=true", body(i));
      if (status !== 200) throw new Error(`bare Deno.serve answered ${status}`);
      if (i >= warm) out.push(performance.now() - t);
    }
    return out;
  } finally {
    child.kill("SIGKILL");
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}
