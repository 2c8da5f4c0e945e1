/**
 * A loop device left bound to a plugd image that no longer exists (a daemon killed while
 * `losetup --find` bound it, before it was marked to go with its mount, then its state dir
 * removed, as tests do) is detached when any daemon starts. The leftover is made here the way
 * that window leaves it: bound with `losetup --find` and never marked; the ~1.5 ms window itself
 * cannot be hit on purpose.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { OPTS, waitFor } from "./_helpers.ts";

async function losetup(args: string[]): Promise<{ ok: boolean; out: string }> {
  const out = await new Deno.Command("losetup", { args, stdout: "piped", stderr: "piped" })
    .output().catch(() => null);
  if (!out) return { ok: false, out: "" };
  return { ok: out.success, out: new TextDecoder().decode(out.stdout).trim() };
}

/** The back file of `device`, or "" once it is detached. */
async function backFile(device: string): Promise<string> {
  const { ok, out } = await losetup(["--list", "--noheadings", "--output", "BACK-FILE", device]);
  return ok ? out : "";
}

const usable = Deno.uid() === 0 &&
  await Deno.stat("/dev/loop-control").then(() => true, () => false) &&
  (await losetup(["--version"])).ok;

Deno.test({
  name: "a loop device bound to a deleted plugd image is detached when a daemon starts",
  ...OPTS,
  ignore: !usable,
  fn: async () => {
    const dead = await Deno.makeTempDir({ prefix: "plugd-dead-state-" });
    let device = "";
    try {
      await Deno.mkdir(`${dead}/volumes`);
      const image = `${dead}/volumes/gone-plugin.img`;
      const file = await Deno.open(image, { write: true, createNew: true });
      await file.truncate(1024 * 1024);
      file.close();
      const bound = await losetup(["--find", "--show", "--", image]);
      assert.ok(bound.ok, "losetup --find");
      device = bound.out;
      await Deno.remove(dead, { recursive: true });
      assert.match(await backFile(device), /gone-plugin\.img \(deleted\)$/);

      await using daemon = await startDaemon();
      await daemon.waitForLog("ready: serving");
      await waitFor(
        async () => !(await backFile(device)).includes("gone-plugin.img"),
        `${device} detached`,
      );
    } finally {
      if (device && (await backFile(device)).includes("gone-plugin.img")) {
        await losetup(["--detach", device]);
      }
      await Deno.remove(dead, { recursive: true }).catch(() => {});
    }
  },
});
