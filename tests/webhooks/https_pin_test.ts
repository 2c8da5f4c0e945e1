import assert from "node:assert/strict";
import { join } from "node:path";
import { sendRequest } from "../../src/webhooks/mod.ts";

async function selfSigned(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const out = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
      "-addext",
      `subjectAltName=DNS:${name}`,
      "-keyout",
      join(dir, "k.pem"),
      "-out",
      join(dir, "c.pem"),
    ],
    stderr: "null",
  }).output();
  assert.equal(out.code, 0, "openssl must be installed for this test");
  return {
    cert: await Deno.readTextFile(join(dir, "c.pem")),
    key: await Deno.readTextFile(join(dir, "k.pem")),
  };
}

Deno.test("https: connects to the pinned IP, verifies the certificate against the URL's name", async () => {
  const dir = await Deno.makeTempDir();
  const { cert, key } = await selfSigned(dir, "hooks.example.test");
  const seen: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert, key, onListen: () => {} },
    async (req) => {
      seen.push(`${req.headers.get("host")} ${await req.text()} ${req.headers.get("webhook-id")}`);
      return new Response("tls-ok", { status: 202 });
    },
  );
  try {
    const port = server.addr.port;
    const target = {
      url: new URL(`https://hooks.example.test:${port}/in?x=1`),
      address: "127.0.0.1",
      port,
      addressClass: "loopback" as const,
    };
    const res = await sendRequest(target, {
      headers: { "content-type": "application/json", "webhook-id": "msg_1" },
      body: '{"a":1}',
      timeoutMs: 5000,
      caCerts: [cert],
    });
    assert.equal(res.status, 202);
    assert.equal(res.body, "tls-ok");
    assert.deepEqual(seen, [`hooks.example.test:${port} {"a":1} msg_1`]);
    const wrongName = { ...target, url: new URL(`https://other.example.test:${port}/in`) };
    await assert.rejects(sendRequest(wrongName, {
      headers: {},
      body: "{}",
      timeoutMs: 5000,
      caCerts: [cert],
    }));
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
