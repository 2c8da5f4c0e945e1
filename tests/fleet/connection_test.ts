/**
 * Joining a fleet as NATS users expect: TLS verified against a CA (and the server's name) and
 * user/password authentication (a real `nats-server --tls --user --pass`); wrong credentials or a
 * certificate for another name leave the daemon running as a single host that reports
 * `fleet: disconnected` with the reason.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon } from "../helpers/daemon.ts";
import { startNats } from "../helpers/nats.ts";
import { waitFor } from "../helpers/wait_for.ts";

async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
}

/** A CA and a server certificate for 127.0.0.1 signed by it. */
async function certificates(dir: string): Promise<void> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=plugd test CA",
  ], dir);
  await openssl([
    "req",
    ...ec,
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=127.0.0.1",
  ], dir);
  await Deno.writeTextFile(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  await openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "1",
    "-extfile",
    "san.ext",
  ], dir);
}

async function health(daemon: { fetch: (p: string) => Promise<Response> }) {
  return await (await daemon.fetch("/v1/health")).json();
}

Deno.test("a daemon joins over TLS with user and password; wrong credentials leave it a single host, disconnected", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-nats-tls-" });
  await certificates(dir);
  await using nats = await startNats({
    scheme: "tls",
    args: [
      "--tls",
      "--tlscert",
      join(dir, "server.pem"),
      "--tlskey",
      join(dir, "server.key"),
      "--user",
      "fleet",
      "--pass",
      "s3cret-pass",
    ],
  });
  const env = (password: string) => ({
    PLUGD_NATS_URL: nats.url,
    PLUGD_NATS_TLS_CA: join(dir, "ca.pem"),
    PLUGD_NATS_USER: "fleet",
    PLUGD_NATS_PASSWORD: password,
    PLUGD_FLEET_HOST_ID: `h-${password.length}`,
  });
  await using good = await startDaemon({ env: env("s3cret-pass") });
  await waitFor(async () => (await health(good)).fleet === "connected", "connected over TLS");
  const status = await (await good.fetch("/v1/fleet/status")).json();
  assert.deepEqual(status.hosts.map((h: { id: string }) => h.id), ["h-11"]);

  await using bad = await startDaemon({ env: env("wrong") });
  const h = await waitFor(async () => {
    const h = await health(bad);
    return h.fleet === "disconnected" && /author/i.test(h.fleet_reason ?? "") ? h : null;
  }, "refused with the reason");
  assert.equal(h.status, "ok", "the daemon itself is healthy");
  const refused = await bad.fetch("/v1/fleet/status");
  assert.equal(refused.status, 200);
  assert.equal((await refused.json()).connected, false);
  const apply = await bad.fetch("/v1/fleet/apply", {
    method: "POST",
    body: JSON.stringify({ document: { plugins: [] } }),
  });
  assert.equal(apply.status, 503);
  await apply.body?.cancel();
  assert.doesNotMatch(bad.log(), /wrong|s3cret/, "the password is never logged");

  // The server's certificate names 127.0.0.1 only: reaching it as "localhost" is refused.
  await using misnamed = await startDaemon({
    env: { ...env("s3cret-pass"), PLUGD_NATS_URL: nats.url.replace("127.0.0.1", "localhost") },
  });
  await waitFor(async () => {
    const h = await health(misnamed);
    return h.fleet === "disconnected" &&
      /localhost|altnames|certificate/i.test(h.fleet_reason ?? "");
  }, "a certificate for another name refused");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("without nats.url the fleet routes say how to join, and health has no fleet", async () => {
  await using single = await startDaemon();
  const h = await health(single);
  assert.equal(h.fleet, undefined);
  const res = await single.fetch("/v1/fleet/status");
  assert.equal(res.status, 409);
  assert.match((await res.json()).detail, /not in a fleet: set nats\.url \(PLUGD_NATS_URL\)/);
});
