/**
 * Plugin commands end to end: the real `plugd` CLI (a separate process) against the real daemon
 * and the sandboxed commander fixture. Output streams before the command ends, the exit code
 * propagates, Ctrl-C (SIGINT to the CLI) stops the handler in the plugin, escape sequences are
 * stripped unless --raw, and every run is audited with secret arguments masked.
 */
import assert from "node:assert/strict";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { installAndEnable, OPTS, repoPath, socketJson, waitFor } from "./_surfaces.ts";

const MAIN = repoPath("main.ts");

/** Spawns `plugd <args>` with stdout read chunk by chunk, each chunk timestamped. */
function spawnPlugd(daemon: TestDaemon, args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { PLUGD_SOCKET: daemon.socketPath },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const chunks: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const c of child.stdout) chunks.push({ at: Date.now(), text: decoder.decode(c) });
  })();
  const stderr = new Response(child.stderr).text();
  const done = child.status.then(async (s) => {
    const exitedAt = Date.now();
    await reading;
    return { code: s.code, exitedAt, stderr: await stderr };
  });
  return { child, chunks, text: () => chunks.map((c) => c.text).join(""), done };
}

Deno.test(
  "plugin commands through the CLI: stream, exit code, Ctrl-C, escapes, audit",
  OPTS,
  async () => {
    await using daemon = await startDaemon();
    await installAndEnable(daemon, repoPath("tests/fixtures/surfaces/commander"));
    const env = { PLUGD_SOCKET: daemon.socketPath };

    // 1. Output arrives while the command still runs: the first chunk is read before the CLI exits.
    const count = spawnPlugd(daemon, ["commander", "count", "4"]);
    const result = await count.done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(count.text(), /^tick 1 at \d+\ntick 2 at \d+\ntick 3 at \d+\ntick 4 at \d+\n$/);
    assert.ok(count.chunks.length >= 2, "the output came in several pieces");
    assert.ok(count.chunks[0]!.at < result.exitedAt, "the first tick was printed before the end");
    const written = [...count.text().matchAll(/at (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(written[0]! <= count.chunks[0]!.at && count.chunks[0]!.at < written[3]!);

    // 2. The handler's return value is the exit code.
    assert.equal((await runPlugd(["commander", "exit", "7"], env)).code, 7);

    // 3. Ctrl-C: SIGINT to the CLI cancels the run inside the plugin.
    const wait = spawnPlugd(daemon, ["commander", "wait"]);
    await waitFor(() => wait.text().includes("waiting for Ctrl-C"), "the command to start");
    wait.child.kill("SIGINT");
    const interrupted = await wait.done;
    assert.equal(interrupted.code, 130);
    assert.match(interrupted.stderr, /commander wait cancelled/);
    await waitFor(async () => {
      const logs = await socketJson(daemon, "GET", "/v1/plugins/commander/logs");
      return logs.body.lines.some((l: { msg: string }) => l.msg === "cancelled by the operator");
    }, "the plugin's handler to see the cancellation");

    // 4. Escape sequences are stripped for the terminal unless --raw.
    const color = await runPlugd(["commander", "color"], env);
    assert.equal(color.stdout, "red plain\nbytes é\n");
    const raw = await runPlugd(["commander", "color", "--raw"], env);
    assert.ok(raw.stdout.includes("\x1b[31mred\x1b[0m"), JSON.stringify(raw.stdout));

    // 5. Audited with the arguments, the declared-secret one masked.
    const login = await runPlugd(["commander", "login", "--realm", "ops", "ann", "hunter2"], env);
    assert.equal(login.stdout, "signed in as ann\n");
    const audit = await socketJson(daemon, "GET", "/v1/audit?action=plugin.command&limit=100");
    const rows = audit.body.rows as { target: string; result: string; detail: Json }[];
    const loginRow = rows.find((r) => r.detail.command === "login");
    assert.deepEqual(loginRow?.detail.args, ["--realm", "ops", "ann", "********"]);
    assert.equal(loginRow?.target, "commander");
    assert.ok(!JSON.stringify(rows).includes("hunter2"), "the secret is in no audit row");
    assert.deepEqual(
      rows.filter((r) => r.detail.command === "exit").map((r) => [r.result, r.detail.exit_code]),
      [["ok", 7]],
    );
    assert.equal(rows.find((r) => r.detail.command === "wait")?.result, "cancelled");

    // 6. Help lists plugin commands; unknown commands name the plugin's real ones.
    const help = await runPlugd(["--help"], env);
    assert.match(help.stdout, /plugin commands \(plugd <plugin-id> <command>/);
    assert.match(help.stdout, /commander count <n>\s+Print N ticks/);
    const list = await runPlugd(["plugin", "commands", "commander"], env);
    assert.match(list.stdout, /commander\s+login\s+\[--realm NAME\] <user> <password>/);
    const unknown = await runPlugd(["commander", "nope"], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /has no command "nope" \(its commands: count, exit/);
  },
);

Deno.test("plugin commands need the operator scope over TCP", OPTS, async () => {
  await using daemon = await startDaemon();
  await installAndEnable(daemon, repoPath("tests/fixtures/surfaces/commander"));
  const reader = await socketJson(daemon, "POST", "/v1/tokens", { name: "r", scope: "reader" });
  const base = { PLUGD_URL: daemon.baseUrl };
  const denied = await runPlugd(["commander", "exit", "0"], {
    ...base,
    PLUGD_TOKEN: reader.body.token,
  });
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /scope "operator"/);
  const allowed = await runPlugd(["commander", "exit", "3"], {
    ...base,
    PLUGD_TOKEN: daemon.token,
  });
  assert.equal(allowed.code, 3);
});

// deno-lint-ignore no-explicit-any
type Json = any;
