import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function curlSocket(socket: string, path: string): Promise<{ code: number; body: string }> {
  const out = await new Deno.Command("curl", {
    args: ["-sS", "--unix-socket", socket, `http://plugd${path}`],
  }).output();
  return { code: out.code, body: new TextDecoder().decode(out.stdout) };
}

Deno.test("daemon serves /v1/health over TCP and the Unix socket, then stops on SIGTERM", async () => {
  const daemon = await startDaemon();
  try {
    // Listeners come up before the services start: "starting" until they did.
    const health = await waitFor(async () => {
      const tcp = await fetch(`${daemon.baseUrl}/v1/health`);
      assert.equal(tcp.status, 200);
      const h = await tcp.json();
      return h.state === "running" ? h : null;
    }, "state running");
    assert.equal(health.status, "ok");
    assert.match(health.version, /^\d+\.\d+\.\d+$/);

    const viaCurl = await curlSocket(daemon.socketPath, "/v1/health");
    assert.equal(viaCurl.code, 0);
    assert.equal(JSON.parse(viaCurl.body).status, "ok");

    const socketMode = (await Deno.stat(daemon.socketPath)).mode! & 0o777;
    assert.equal(socketMode, 0o660);
    const tokenMode = (await Deno.stat(join(daemon.stateDir, "admin.token"))).mode! & 0o777;
    assert.equal(tokenMode, 0o600);
    assert.match(daemon.token, /^plugd_[0-9a-f]{12}_/);
  } finally {
    assert.equal(await daemon.stop(), 0, daemon.log());
  }
  await assert.rejects(() => Deno.lstat(daemon.socketPath), Deno.errors.NotFound);
  await Deno.remove(daemon.stateDir, { recursive: true });
});

Deno.test("TCP requires a bearer token; the socket is trusted", async () => {
  await using daemon = await startDaemon();
  const anonymous = await fetch(`${daemon.baseUrl}/v1/plugins`);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get("content-type"), "application/problem+json");
  const body = await anonymous.json();
  assert.equal(body.status, 401);
  assert.match(body.detail, /Authorization/);
  const wrong = await daemon.fetch("/v1/nope", {
    headers: { authorization: "Bearer plugd_000000000000_" + "x".repeat(43) },
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const unknown = await daemon.fetchSocket("/v1/nope");
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).status, 404);
});

Deno.test("a second daemon on the same socket fails clearly; a stale socket is replaced", async () => {
  const first = await startDaemon();
  // Another state dir (the same one is refused earlier, by its lock), the same socket.
  const otherState = await Deno.makeTempDir({ prefix: "plugd-e2e-" });
  const second = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "daemon",
      "--dev",
      "--state-dir",
      otherState,
      "--socket",
      first.socketPath,
      "--http",
      "127.0.0.1:0",
    ],
    stdout: "null",
    stderr: "piped",
  });
  const out = await second.output();
  await Deno.remove(otherState, { recursive: true });
  assert.notEqual(out.code, 0);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /already serving .*\[socket set by --socket \(command-line flag\)\]/,
  );
  // The first one is unharmed.
  assert.equal((await first.fetchSocket("/v1/health")).status, 200);
  await first.kill(); // SIGKILL leaves a stale socket behind
  await Deno.lstat(first.socketPath);
  const again = await startDaemon({ stateDir: first.stateDir });
  assert.equal((await again.fetchSocket("/v1/health")).status, 200);
  assert.equal(await again.stop(), 0);
  await Deno.remove(first.stateDir, { recursive: true });
});

Deno.test("bad configuration is refused with a message naming the setting", async () => {
  const stateDir = await moduleTempDir("plugd-test-");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "daemon", "--state-dir", stateDir, "--http", "nonsense"],
    stderr: "piped",
    stdout: "null",
  }).output();
  assert.equal(out.code, 1);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /^plugd: --http \(command-line flag\) must be host:port such as 127\.0\.0\.1:7420/m,
  );
  await Deno.remove(stateDir, { recursive: true });
});
