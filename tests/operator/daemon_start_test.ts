/** Starting the daemon: one per state dir, stale locks after SIGKILL, a busy port explained. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon } from "../helpers/daemon.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Runs `plugd daemon` until it exits by itself; its code and stderr. */
async function daemonExit(args: string[]): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, "daemon", "--dev", ...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test({
  name:
    "a second daemon on the same state dir exits 1 naming the first's pid; after SIGKILL a restart works",
  sanitizeResources: false,
  async fn() {
    const first = await startDaemon();
    const otherSocket = join(await moduleTempDir("plugd-test-"), "other.sock");
    const second = await daemonExit([
      "--state-dir",
      first.stateDir,
      "--socket",
      otherSocket,
      "--http",
      "127.0.0.1:0",
    ]);
    assert.equal(second.code, 1, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(
        `plugd: Another plugd \\(pid ${first.process.pid}\\) is already using the state dir ${first.stateDir}`,
      ),
    );
    assert.equal((await first.fetchSocket("/v1/health")).status, 200, "the first one still serves");

    await first.kill(); // SIGKILL: no chance to release anything
    await using restarted = await startDaemon({ stateDir: first.stateDir });
    assert.equal((await restarted.fetchSocket("/v1/health")).status, 200);
    const lock = await Deno.readTextFile(join(first.stateDir, "plugd.lock"));
    assert.equal(lock.trim(), String(restarted.process.pid));
  },
});

Deno.test("a busy TCP port: one line naming the address and its source, and no state created", async () => {
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (busy.addr as Deno.NetAddr).port;
  const stateDir = join(await moduleTempDir("plugd-test-"), "state");
  const run = await daemonExit(["--state-dir", stateDir, "--http", `127.0.0.1:${port}`]);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    new RegExp(
      `plugd: Cannot listen on 127\\.0\\.0\\.1:${port} \\(set by --http \\(command-line flag\\)\\): the address is already in use`,
    ),
  );
  assert.match(run.stderr, /PLUGD_HTTP/);
  await assert.rejects(() => Deno.stat(stateDir), Deno.errors.NotFound, "no state dir left behind");
});
