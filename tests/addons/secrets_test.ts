/** A secret reaches the script and nothing else: not argv, records, logs, audit or any file. */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { ADDONS, call, finished, installAddon, runOp, startOp, waitLong } from "./_addons.ts";

const CANARY = `canary-${crypto.randomUUID()}`;

/** Every process's command line that mentions `text`. */
async function commandLinesWith(text: string): Promise<string[]> {
  const hits: string[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const line = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (line.includes(text)) hits.push(`${e.name}: ${line.replaceAll("\0", " ")}`);
  }
  return hits;
}

/** Files under `dir` whose bytes contain `text`. */
async function filesWith(dir: string, text: string): Promise<string[]> {
  const hits: string[] = [];
  const needle = new TextEncoder().encode(text);
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const path = `${d}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else if (e.isFile) {
        const bytes = await Deno.readFile(path).catch(() => new Uint8Array());
        if (indexOf(bytes, needle) >= 0) hits.push(path);
      }
    }
  };
  await walk(dir);
  return hits;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

Deno.test("a secret canary is redacted from output and absent from argv, records, logs and state files", async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const slow = await installAddon(d, `${ADDONS}slow`, { token: CANARY });
  const running = await startOp(d, slow, "install");
  // While the script runs (it waits for a file), no command line carries the value.
  await waitLong(async () => {
    const r = await call(d, "GET", `/v1/plugins/${slow}/logs`);
    return r.body.lines.some((l: { msg: string }) => l.msg.startsWith("install waiting"));
  }, "the script to run");
  assert.deepEqual(await commandLinesWith(CANARY), []);
  await Deno.writeTextFile(`${d.stateDir}/data/${slow}/go`, "");
  const waited = await finished(d, slow, running);
  assert.match(waited.stdout, /install waiting \(token \*\*\*\*\*\*\*\*\)/);

  // basic-addon prints the secret from its variable, stdin and the config file.
  const basic = await installAddon(d, `${ADDONS}basic`, { api_token: CANARY });
  const record = await runOp(d, basic, "install");
  assert.equal(record.status, "succeeded");
  assert.match(record.stdout, /token=\*\*\*\*\*\*\*\*/);
  assert.match(record.stdout, /stdin=\{.*"api_token":"\*\*\*\*\*\*\*\*"/);
  const cli = await runPlugd([
    "plugin",
    "op",
    basic,
    "configure",
    "--wait",
    "--socket",
    d.socketPath,
  ]);
  assert.equal(cli.code, 0);

  const everything = JSON.stringify([
    (await call(d, "GET", `/v1/plugins/${basic}/executions?limit=500`)).body,
    (await call(d, "GET", `/v1/plugins/${basic}/executions/${record.id}`)).body,
    (await call(d, "GET", `/v1/plugins/${slow}/executions/${running}`)).body,
    (await call(d, "GET", `/v1/plugins/${basic}/logs?limit=5000`)).body,
    (await call(d, "GET", `/v1/plugins/${slow}/logs?limit=5000`)).body,
    (await call(d, "GET", `/v1/plugins/${basic}`)).body,
    (await call(d, "GET", `/v1/plugins/${basic}/config`)).body,
    (await call(d, "GET", `/v1/plugins/${basic}/flags`)).body,
    (await call(d, "GET", "/v1/audit?limit=1000")).body,
    (await call(d, "GET", "/v1/jobs")).body,
  ]);
  assert.ok(everything.includes(record.id), "the dump holds the records");
  assert.ok(!everything.includes(CANARY), "the canary leaked into the API");
  assert.ok(!cli.stdout.includes(CANARY) && !cli.stderr.includes(CANARY));
  assert.ok(!d.log().includes(CANARY), "the canary leaked into the daemon's log");
  // Nowhere in the state dir (the database holds it sealed; launch files are gone), except the
  // addons' own data, which is theirs. A periodic status check may be starting at this moment:
  // its 0600 launch file lives until the launcher reads it, so the scan waits for that to pass,
  // and only a file that stays fails.
  let leaks: string[] = [];
  await waitLong(async () => {
    leaks = (await filesWith(d.stateDir, CANARY)).filter((p) => !p.includes("/data/"));
    return leaks.length === 0;
  }, "no canary left in the state dir").catch(() => {});
  assert.deepEqual(leaks, []);
});
