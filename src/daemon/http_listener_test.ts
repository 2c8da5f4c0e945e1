import assert from "node:assert/strict";
import { HttpListener } from "./http_listener.ts";

const SERVER = new URL("../../tests/fixtures/reliability/emfile_server.ts", import.meta.url)
  .pathname;

async function get(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: "close" } });
  return await res.text();
}

Deno.test("HttpListener survives EMFILE: logs it, sheds, and serves once fds are free", {
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const child = new Deno.Command("prlimit", {
    args: ["--nofile=64:64", Deno.execPath(), "run", "-A", SERVER],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const logged = (async () => {
    for await (const t of child.stderr.pipeThrough(new TextDecoderStream())) log += t;
  })();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const port = Number((await reader.read()).value?.trim());
  const held: Deno.TcpConn[] = [];
  for (let i = 0; i < 120; i++) held.push(await Deno.connect({ hostname: "127.0.0.1", port }));
  // Far past its 64 descriptors; then the clients go away.
  for (const c of held) c.close();
  let answer = "";
  for (let i = 0; i < 200 && answer !== "alive"; i++) {
    answer = await get(port).catch(() => "");
    if (answer !== "alive") await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(answer, "alive");
  child.kill("SIGKILL");
  await child.status;
  await logged;
  reader.releaseLock();
  assert.match(log, /accept failed .*Too many open files.*still serving/);
});

Deno.test("HttpListener.shutdown() lets a request finish, then closes", async () => {
  const release = Promise.withResolvers<void>();
  const listener = HttpListener.serve({
    listener: Deno.listen({ hostname: "127.0.0.1", port: 0 }),
    handler: async () => {
      await release.promise;
      return new Response("done");
    },
    onError: () => new Response("error", { status: 500 }),
  });
  const port = (listener.addr as Deno.NetAddr).port;
  const pending = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
  while (!listener.busy) await new Promise((r) => setTimeout(r, 5));
  const stopped = listener.shutdown({ drainMs: 10_000 });
  release.resolve();
  assert.equal(await pending, "done");
  await stopped;
  await assert.rejects(() => fetch(`http://127.0.0.1:${port}/`));
});
