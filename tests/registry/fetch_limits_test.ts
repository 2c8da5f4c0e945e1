/**
 * Registry fetch limits against a real daemon (issue 22 item 7): a registry that never answers
 * and one that streams an endless index fail with clear errors, within the configured time,
 * and neither hangs `/v1/catalog` nor an install.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";

Deno.test("a silent and an endless registry fail clearly; the catalog and install do not hang", async () => {
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of silent) held.push(conn);
  })();
  let produced = 0;
  const chunk = new Uint8Array(256 * 1024).fill(0x20);
  await using endless = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(
        new ReadableStream({
          pull(c) {
            produced += chunk.length;
            c.enqueue(chunk);
          },
        }, { highWaterMark: 0 }),
      ),
  );
  const silentUrl = `http://127.0.0.1:${(silent.addr as Deno.NetAddr).port}/index.json`;
  const endlessUrl = `http://127.0.0.1:${endless.addr.port}/index.json`;
  try {
    await using daemon = await startDaemon({
      env: { PLUGD_REGISTRIES: `${silentUrl},${endlessUrl}`, PLUGD_REGISTRY_TIMEOUT_MS: "500" },
    });
    const catalog = await daemon.fetch("/v1/catalog");
    assert.equal(catalog.status, 200);
    const body = await catalog.json();
    assert.deepEqual(body.plugins, []);
    const messages = body.errors.map((e: { message: string }) => e.message).join("\n");
    assert.match(messages, /did not answer within 500 ms/);
    assert.match(messages, /larger than 16 MiB; refused while streaming/);
    assert.ok(produced < 64 * 1024 * 1024, `the endless registry produced ${produced} bytes`);

    const install = await daemon.fetch("/v1/plugins", {
      method: "POST",
      body: JSON.stringify({ source: "hello@^1" }),
    });
    assert.ok(install.status >= 400, `install answered ${install.status}`);
    const problem = await install.json();
    assert.match(problem.detail, /did not answer within 500 ms|larger than 16 MiB/);
  } finally {
    silent.close();
    for (const conn of held) conn.close();
    await accepting.catch(() => {});
  }
});
