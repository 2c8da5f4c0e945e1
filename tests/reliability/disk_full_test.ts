/**
 * Issue 22, "Smaller": a full disk answers 507 problem+json naming the cause, /v1/health says
 * degraded, and both recover by themselves once space returns. The database lives on a small
 * tmpfs the test mounts (skipped, with the reason printed, where mounting is not allowed).
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { call, OPTS, waitFor } from "./_helpers.ts";

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; err: string }> {
  const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output()
    .catch((e) => ({ success: false, stderr: new TextEncoder().encode(String(e)) }));
  return { ok: out.success, err: new TextDecoder().decode(out.stderr).trim() };
}

/** Fills the filesystem of `dir` with one file; returns its path. */
async function fill(dir: string): Promise<string> {
  const path = `${dir}/filler`;
  const file = await Deno.open(path, { create: true, write: true });
  const chunk = new Uint8Array(256 * 1024).fill(1);
  try {
    while (true) await file.write(chunk);
  } catch {
    /* ENOSPC: full */
  } finally {
    file.close();
  }
  return path;
}

Deno.test(
  "a full disk answers 507, health says degraded, both recover when space returns",
  OPTS,
  async () => {
    const mnt = await Deno.makeTempDir({ prefix: "plugd-tmpfs-" });
    const mounted = await run("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt]);
    if (!mounted.ok) {
      console.log(`SKIPPED: cannot mount a tmpfs here (${mounted.err || "mount failed"})`);
      await Deno.remove(mnt);
      return;
    }
    try {
      await using d = await startDaemon({ env: { PLUGD_DB_URL: `file:${mnt}/plugd.db` } });
      const event = (i: number) => ({
        specversion: "1.0",
        id: `full-${i}`,
        source: "/t",
        type: "disk.test",
        data: { pad: "x".repeat(64 * 1024) },
      });
      assert.equal((await call(d, "POST", "/v1/events", event(0))).status, 202);
      const filler = await fill(mnt);
      // The WAL may still have room for a few events; the first refusal must be a clear 507.
      let refused: Awaited<ReturnType<typeof call>> | null = null;
      for (let i = 1; i < 500 && !refused; i++) {
        const r = await call(d, "POST", "/v1/events", event(i));
        if (r.status !== 202) refused = r;
      }
      assert.ok(refused, "some event was refused once the disk was full");
      assert.equal(refused.status, 507, JSON.stringify(refused.body));
      assert.equal(refused.body.title, "Insufficient Storage");
      assert.match(refused.body.detail, /disk holding the database .* is full/);
      const degraded = await call(d, "GET", "/v1/health");
      assert.equal(degraded.status, 200);
      assert.equal(degraded.body.status, "degraded");
      assert.equal(degraded.body.problems[0].component, "database");

      await Deno.remove(filler);
      await waitFor(
        async () => (await call(d, "GET", "/v1/health")).body.status === "ok",
        "health ok again",
      );
      assert.equal((await call(d, "POST", "/v1/events", event(1000))).status, 202);
    } finally {
      await run("umount", ["-l", mnt]);
      await Deno.remove(mnt, { recursive: true }).catch(() => {});
    }
  },
);
