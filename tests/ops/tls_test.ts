/**
 * TLS on the TCP listener: HTTPS with a certificate made by the test, the CLI's --url https://…
 * with --cacert, refusal of a non-loopback address without TLS, and certificate reload on SIGHUP
 * while an open connection keeps working.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { makeCa, makeServerCert, servedCn } from "./_certs.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

Deno.test(
  "HTTPS with the operator's certificate; the CLI verifies it with --cacert",
  OPTS,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "plugd-tls-" });
    const ca = await makeCa(dir);
    const server = await makeServerCert(dir, "server", "plugd one");
    await using d = await startDaemon({
      env: { PLUGD_TLS_CERT: server.cert, PLUGD_TLS_KEY: server.key },
    });
    assert.match(d.log(), /listening on https:\/\/127\.0\.0\.1:\d+/);
    assert.equal(d.baseUrl, `https://127.0.0.1:${d.port}`);
    const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(ca)] });
    const health = await fetch(`${d.baseUrl}/v1/health`, { client });
    assert.equal(health.status, 200);
    await health.body?.cancel();
    // Plain HTTP to the TLS port does not get an answer, and nobody else's CA is trusted.
    await assert.rejects(fetch(`http://127.0.0.1:${d.port}/v1/health`).then((r) => r.text()));
    await assert.rejects(fetch(`${d.baseUrl}/v1/health`));
    // curl, as an operator would.
    const curl = await new Deno.Command("curl", {
      args: [
        "-sS",
        "--cacert",
        ca,
        "-H",
        `Authorization: Bearer ${d.token}`,
        `${d.baseUrl}/v1/plugins`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(curl.code, 0, new TextDecoder().decode(curl.stderr));
    assert.deepEqual(JSON.parse(new TextDecoder().decode(curl.stdout)), { plugins: [] });
    // The CLI: --url https://… with --cacert works; without it the certificate is refused.
    const ok = await runPlugd([
      "plugin",
      "list",
      "--url",
      d.baseUrl,
      "--token",
      d.token,
      "--cacert",
      ca,
      "--json",
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const refused = await runPlugd(["plugin", "list", "--url", d.baseUrl, "--token", d.token]);
    assert.equal(refused.code, 3, refused.stdout);
    assert.match(refused.stderr, /certificate|UnknownIssuer|--cacert/i);
    client.close();
    await d.stop();
    await Deno.remove(dir, { recursive: true });
  },
);

Deno.test(
  "a non-loopback address without TLS is refused unless --insecure-listen",
  OPTS,
  async () => {
    const state = await Deno.makeTempDir({ prefix: "plugd-tls-refuse-" });
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "daemon", "--state-dir", state, "--http", "0.0.0.0:0"],
      env: { PLUGD_SANDBOX: "flags" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, stderr);
    assert.match(
      stderr,
      /Refusing to listen on 0\.0\.0\.0:0 .* without TLS: bearer tokens would cross the network in clear text/,
    );
    assert.match(stderr, /PLUGD_TLS_CERT.*--insecure-listen/);
    const half = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "daemon", "--state-dir", state, "--http", "127.0.0.1:0"],
      env: { PLUGD_SANDBOX: "flags", PLUGD_TLS_CERT: "/nonexistent.pem" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(half.code, 1);
    assert.match(new TextDecoder().decode(half.stderr), /PLUGD_TLS_KEY \(tls_key\) is not/);
    await Deno.remove(state, { recursive: true });
    // Accepted with the explicit opt-out, loudly.
    const d = await startDaemon({ args: ["--dev", "--insecure-listen", "--http", "0.0.0.0:0"] })
      .catch((e) => e as Error);
    if (d instanceof Error) throw d;
    try {
      assert.match(d.log(), /WARNING: --insecure-listen: bearer tokens cross the network/);
    } finally {
      await d.stop();
    }
  },
);

Deno.test(
  "SIGHUP reloads a renewed certificate; an open connection keeps working",
  OPTS,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "plugd-tls-reload-" });
    const ca = await makeCa(dir);
    const first = await makeServerCert(dir, "server", "plugd before");
    const cert = join(dir, "live.pem");
    const key = join(dir, "live.key");
    await Deno.copyFile(first.cert, cert);
    await Deno.copyFile(first.key, key);
    await Deno.chmod(key, 0o600);
    await using d = await startDaemon({ env: { PLUGD_TLS_CERT: cert, PLUGD_TLS_KEY: key } });
    assert.equal(await servedCn(d.port, join(dir, "ca.pem")), "plugd before");
    const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(ca)] });
    const get = () =>
      fetch(`${d.baseUrl}/v1/health`, { client }).then(async (r) => (await r.json()).status);
    assert.equal(await get(), "ok"); // opens a keep-alive connection
    // Renew in place (like certbot), then reload.
    const renewed = await makeServerCert(dir, "renewed", "plugd after");
    await Deno.copyFile(renewed.cert, cert);
    await Deno.copyFile(renewed.key, key);
    d.process.kill("SIGHUP");
    await d.waitForLog(/reload: TLS certificate reloaded from/);
    assert.equal(await servedCn(d.port, join(dir, "ca.pem")), "plugd after");
    assert.equal(await get(), "ok", "the client's connection still answers");
    // A bad file on the next reload keeps the running certificate.
    await Deno.writeTextFile(cert, "not a certificate");
    d.process.kill("SIGHUP");
    await d.waitForLog(/TLS certificate NOT reloaded: .* is not PEM/);
    assert.equal(await servedCn(d.port, join(dir, "ca.pem")), "plugd after");
    client.close();
    await d.stop();
    await Deno.remove(dir, { recursive: true });
  },
);
