import assert from "node:assert/strict";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { createToken } from "./_helpers.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A stopped daemon's state dir with `n` audit rows (token creations). */
async function stateWithRows(n: number): Promise<string> {
  const daemon = await startDaemon();
  for (let i = 0; i < n; i++) await createToken(daemon, "reader");
  assert.equal(await daemon.stop(), 0);
  return daemon.stateDir;
}

async function tamper(stateDir: string, sql: string): Promise<void> {
  const client = createClient({ url: `file:${join(stateDir, "plugd.db")}` });
  await client.execute(sql);
  client.close();
}

async function verify(daemon: TestDaemon): Promise<Record<string, unknown>> {
  const res = await daemon.fetch("/v1/audit?verify=true");
  assert.equal(res.status, 200);
  return await res.json();
}

async function cliVerify(daemon: TestDaemon): Promise<{ code: number; out: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "audit", "--verify", "--socket", daemon.socketPath],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, out: new TextDecoder().decode(out.stdout) };
}

Deno.test("audit: an intact log verifies, lists with paging, and plugd audit --verify exits 0", async () => {
  const stateDir = await stateWithRows(3);
  await using daemon = await startDaemon({ stateDir });
  const v = await verify(daemon);
  assert.equal(v.ok, true);
  assert.equal(v.rows, 3);
  const page = await (await daemon.fetch("/v1/audit?limit=2")).json();
  assert.deepEqual(page.rows.map((r: { seq: number }) => r.seq), [1, 2]);
  assert.equal(page.next_after, 2);
  const rest = await (await daemon.fetch("/v1/audit?after=2")).json();
  assert.deepEqual(rest.rows.map((r: { seq: number }) => r.seq), [3]);
  assert.equal((await daemon.fetch("/v1/audit?limit=0")).status, 400);
  const cli = await cliVerify(daemon);
  assert.equal(cli.code, 0);
  assert.match(cli.out, /intact: 3 rows/);
});

Deno.test("audit: an altered row is reported at its seq, and the CLI exits 1", async () => {
  const stateDir = await stateWithRows(4);
  await tamper(stateDir, "UPDATE audit_log SET actor = 'nobody' WHERE seq = 2");
  await using daemon = await startDaemon({ stateDir });
  const v = await verify(daemon);
  assert.equal(v.ok, false);
  assert.equal(v.broken_at, 2);
  const cli = await cliVerify(daemon);
  assert.equal(cli.code, 1);
  assert.match(cli.out, /BROKEN at seq 2/);
});

Deno.test("audit: a deleted middle row is reported", async () => {
  const stateDir = await stateWithRows(4);
  await tamper(stateDir, "DELETE FROM audit_log WHERE seq = 3");
  await using daemon = await startDaemon({ stateDir });
  const v = await verify(daemon);
  assert.equal(v.ok, false);
  assert.equal(v.broken_at, 3);
});

Deno.test("audit: deleting the last row is detected through the recorded head", async () => {
  const stateDir = await stateWithRows(4);
  await tamper(stateDir, "DELETE FROM audit_log WHERE seq = 4");
  await using daemon = await startDaemon({ stateDir });
  const v = await verify(daemon);
  assert.equal(v.ok, false);
  assert.equal(v.broken_at, 4);
  assert.match(String(v.reason), /deleted/);
  const cli = await cliVerify(daemon);
  assert.equal(cli.code, 1);
});
