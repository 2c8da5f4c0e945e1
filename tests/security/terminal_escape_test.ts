/**
 * Gap: `plugd plugin logs` printed plugin text raw, so OSC title changes, screen clears, OSC 8
 * links, clipboard writes and carriage-return overwrites reached the operator's terminal. Every
 * human output of the CLI now goes through one sanitiser (src/cli/terminal_text.ts): escape
 * sequences and control characters are removed (tabs and newlines stay); `--raw` prints the bytes.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { type CliRun, runPlugd } from "../helpers/plugd_cli.ts";
import { socketJson, waitFor } from "../hooks/_helpers.ts";
import { MALICIOUS } from "./_host.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const ID = "escape-writer";
// deno-lint-ignore no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

function assertClean(run: CliRun, what: string): void {
  for (const [stream, text] of [["stdout", run.stdout], ["stderr", run.stderr]]) {
    const bad = CONTROLS.exec(text!);
    assert.equal(
      bad,
      null,
      `${what} ${stream} has ${JSON.stringify(bad?.[0])}: ${JSON.stringify(text)}`,
    );
  }
}

Deno.test(
  "terminal escapes: no plugin text reaches the terminal raw, unless --raw",
  OPTS,
  async () => {
    await using daemon = await startDaemon();
    const installed = await socketJson(daemon, "POST", "/v1/plugins", {
      source: `${MALICIOUS}${ID}`,
    });
    assert.equal(installed.status, 201, JSON.stringify(installed.body));
    const view = await socketJson(daemon, "GET", `/v1/plugins/${ID}`);
    await socketJson(daemon, "POST", `/v1/plugins/${ID}/grant`, {
      permissions: view.body.permissions.requested,
    });
    assert.equal((await socketJson(daemon, "POST", `/v1/plugins/${ID}/enable`)).status, 200);
    const env = { PLUGD_SOCKET: daemon.socketPath };

    // Every place plugin text appears in a human answer.
    const emit = await runPlugd(["emit", "tty.attack", "--wait"], env);
    assert.equal(emit.code, 1, emit.stderr);
    assert.match(emit.stdout, /error .*click all goodOVERWRITTEN/);
    assertClean(emit, "plugd emit --wait");
    const gate = await runPlugd(["gate", "tty.attack"], env);
    assert.equal(gate.code, 1);
    assert.match(gate.stdout, /deny\s+escape-writer: reason .*all good/);
    assertClean(gate, "plugd gate");
    const filter = await runPlugd(["filter", "tty.attack", "--data", "{}"], env);
    assert.match(filter.stderr, /skipped escape-writer: error: .*filter .*all good/);
    assertClean(filter, "plugd filter");

    await waitFor(async () => {
      const r = await socketJson(daemon, "GET", `/v1/plugins/${ID}/logs`);
      return (r.body.lines as { msg: string }[]).some((l) => l.msg.startsWith("stdout"));
    }, "the plugin's stdout line in its log");
    const logs = await runPlugd(["plugin", "logs", ID], env);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /log .*pwned-title.*OVERWRITTEN/);
    assert.match(logs.stdout, /stdout .*pwned-title.*OVERWRITTEN/);
    assertClean(logs, "plugd plugin logs");
    const info = await runPlugd(["plugin", "info", ID], env);
    assertClean(info, "plugd plugin info");

    // --raw: the bytes, for those who want them (e.g. piping to a file).
    const raw = await runPlugd(["plugin", "logs", ID, "--raw"], env);
    assert.equal(raw.code, 0, raw.stderr);
    assert.ok(raw.stdout.includes("\x1b]0;pwned-title\x07"), JSON.stringify(raw.stdout));
    // --json stays exact JSON (control characters escaped by JSON itself).
    const json = await runPlugd(["plugin", "logs", ID, "--json"], env);
    const lines = JSON.parse(json.stdout).lines as { msg: string }[];
    assert.ok(lines.some((l) => l.msg.includes("\x1b[2J")));
  },
);
