import assert from "node:assert/strict";
import { join } from "node:path";
import { sendRequest } from "../../src/webhooks/mod.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

async function openssl(args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, stderr: "piped" }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

/** A throwaway CA and a leaf certificate for `name` signed by it (rustls refuses a CA as leaf). */
async function testCertificates(
  dir: string,
  name: string,
): Promise<{ ca: string; cert: string; key: string }> {
  const p = (f: string) => join(dir, f);
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=plugd-test-ca",
    "-keyout",
    p("ca.key"),
    "-out",
    p("ca.pem"),
  ]);
  await openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    `/CN=${name}`,
    "-keyout",
    p("k.pem"),
    "-out",
    p("leaf.csr"),
  ]);
  await Deno.writeTextFile(p("ext.cnf"), `subjectAltName=DNS:${name}\nbasicConstraints=CA:FALSE\n`);
  await openssl([
    "x509",
    "-req",
    "-in",
    p("leaf.csr"),
    "-CA",
    p("ca.pem"),
    "-CAkey",
    p("ca.key"),
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    p("ext.cnf"),
    "-out",
    p("c.pem"),
  ]);
  const read = (f: string) => Deno.readTextFile(p(f));
  return { ca: await read("ca.pem"), cert: await read("c.pem"), key: await read("k.pem") };
}

Deno.test("https: connects to the pinned IP, verifies the certificate against the URL's name", async () => {
  const dir = await moduleTempDir("plugd-test-");
  const { ca, cert, key } = await testCertificates(dir, "hooks.example.test");
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
      caCerts: [ca],
    });
    assert.equal(res.status, 202);
    assert.equal(res.body, "tls-ok");
    assert.deepEqual(seen, [`hooks.example.test:${port} {"a":1} msg_1`]);
    const wrongName = { ...target, url: new URL(`https://other.example.test:${port}/in`) };
    await assert.rejects(sendRequest(wrongName, {
      headers: {},
      body: "{}",
      timeoutMs: 5000,
      caCerts: [ca],
    }));
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
