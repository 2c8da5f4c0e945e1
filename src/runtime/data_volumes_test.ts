/**
 * The `$DATA` volumes with real loop devices and a real mount namespace (root only): mounted in
 * plugd's namespace alone, one device per image, each device gone with its last mount.
 */
import assert from "node:assert/strict";
import { DataVolumes } from "./data_volumes.ts";
import { MountHolder } from "./mount_holder.ts";
import { createImage } from "./volume_image.ts";
import { waitFor } from "../../tests/helpers/wait_for.ts";

const CAN_MOUNT = Deno.uid() === 0 && (() => {
  try {
    return Deno.statSync("/dev/loop-control").isCharDevice === true;
  } catch {
    return false;
  }
})();
const OPTS = { ignore: !CAN_MOUNT, sanitizeResources: false, sanitizeOps: false } as const;

async function sh(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")}: ${text.decode(out.stderr)}`);
  return text.decode(out.stdout);
}

/** The loop devices bound to `image` now. */
async function devicesOf(image: string): Promise<string[]> {
  const out = await sh("losetup", ["--associated", image, "--noheadings", "--output", "NAME"]);
  return out.split("\n").map((l) => l.trim()).filter(Boolean);
}

async function autoclear(device: string): Promise<boolean> {
  const out = await sh("losetup", ["--list", "--noheadings", "--output", "AUTOCLEAR", device]);
  return out.trim() === "1";
}

/** The mount points of `volumes`' namespace and of this process's. */
async function mountedIn(volumes: DataVolumes, dir: string): Promise<[boolean, boolean]> {
  const inside = await volumes.holder!.run(["cat", "/proc/self/mountinfo"]);
  const host = await Deno.readTextFile("/proc/self/mountinfo");
  const at = (text: string) => text.split("\n").some((l) => l.split(" ")[4] === dir);
  return [at(inside), at(host)];
}

async function tempState(): Promise<{ root: string; dir: string; data: string }> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "plugd-volumes-" }));
  const data = `${root}/data/p1`;
  await Deno.mkdir(data, { recursive: true });
  return { root, dir: `${root}/volumes`, data };
}

Deno.test({
  name: "data volumes: mounted in plugd's namespace only, one autoclear device per image",
  ...OPTS,
  async fn() {
    const { root, dir, data } = await tempState();
    const image = `${dir}/p1.img`;
    try {
      // What an older plugd left in the plain folder moves into the new volume.
      await Deno.writeTextFile(`${data}/kept.txt`, "kept");
      {
        await using volumes = await DataVolumes.start({ dir });
        assert.equal(volumes.mode, "image", volumes.reason);
        await volumes.attach("p1", data, 4321, 8);
        await volumes.attach("p1", data, 4321, 8); // already mounted: nothing more
        assert.deepEqual(await mountedIn(volumes, data), [true, false]);
        const devices = await devicesOf(image);
        assert.equal(devices.length, 1, `devices of the image: ${devices}`);
        assert.ok(await autoclear(devices[0]!), "the device goes with its mount");
        const inside = await volumes.holder!.run(["cat", `${data}/kept.txt`]);
        assert.equal(inside, "kept");
        assert.deepEqual([...Deno.readDirSync(data)], [], "the host's folder was emptied");
        const owner = await volumes.holder!.run(["stat", "-c", "%u", `${data}/kept.txt`]);
        assert.equal(owner.trim(), "4321");
      }
      // The namespace ended with the daemon: its mount, and so the device, are gone.
      await waitFor(async () => (await devicesOf(image)).length === 0, "the device to go");
      assert.ok((await Deno.stat(image)).isFile, "the image stays for the next start");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "data volumes: an image still bound to an earlier daemon's device is not bound again",
  ...OPTS,
  async fn() {
    const { root, dir, data } = await tempState();
    const image = `${dir}/p1.img`;
    let leftover = "";
    try {
      {
        await using first = await DataVolumes.start({ dir });
        await first.attach("p1", data, 0, 8);
      }
      await waitFor(async () => (await devicesOf(image)).length === 0, "the device to go");
      // As if the earlier daemon's plugins still held it: bound, not autoclear.
      leftover = (await sh("losetup", ["--find", "--show", image])).trim();
      await using volumes = await DataVolumes.start({ dir });
      await volumes.attach("p1", data, 0, 8);
      assert.deepEqual(await devicesOf(image), [leftover]);
      assert.deepEqual(await mountedIn(volumes, data), [true, false]);
      // Uninstall: unmounted and purged.
      await volumes.detach("p1", { purge: true });
      assert.deepEqual(await mountedIn(volumes, data), [false, false]);
      await assert.rejects(Deno.stat(image), Deno.errors.NotFound);
    } finally {
      if (leftover) await sh("losetup", ["--detach", leftover]).catch(() => {});
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "data volumes: a detached volume lets its device go while the daemon runs",
  ...OPTS,
  async fn() {
    const { root, dir, data } = await tempState();
    const image = `${dir}/p1.img`;
    try {
      await using volumes = await DataVolumes.start({ dir });
      await volumes.attach("p1", data, 0, 8);
      assert.equal((await devicesOf(image)).length, 1);
      await volumes.detach("p1");
      await waitFor(async () => (await devicesOf(image)).length === 0, "the device to go");
      // Attached again (a reinstall keeps the image): mounted again, one device.
      await volumes.attach("p1", data, 0, 8);
      assert.equal((await devicesOf(image)).length, 1);
      assert.deepEqual(await mountedIn(volumes, data), [true, false]);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "mount holder: a mount that fails says why and leaves no device bound",
  ...OPTS,
  async fn() {
    const { root, data } = await tempState();
    const bad = `${root}/not-ext4.img`;
    await Deno.writeFile(bad, new Uint8Array(4 * 1024 * 1024)); // zeros: no file system
    try {
      await using holder = await MountHolder.start();
      await assert.rejects(
        holder.loopMount(bad, data, "nosuid"),
        /mounting .*not-ext4.img failed: mount: .*wrong fs type/,
      );
      assert.deepEqual(await devicesOf(bad), []);
      await assert.rejects(
        holder.loopMount(`${root}/missing.img`, data, "nosuid"),
        /failed: losetup: /,
      );
      await assert.rejects(holder.loopMount(bad, `${data}\nx`, "nosuid"), /a line break/);
      // Requests sent together are answered in order.
      const good = `${root}/good.img`;
      await createImage(good, 0, 4);
      await Deno.mkdir(`${root}/m2`);
      const results = await Promise.allSettled([
        holder.loopMount(good, data, "nosuid,nodev,noexec"),
        holder.loopMount(bad, `${root}/m2`, "nosuid"),
      ]);
      assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected"]);
      assert.equal((await devicesOf(good)).length, 1);
    } finally {
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
});
