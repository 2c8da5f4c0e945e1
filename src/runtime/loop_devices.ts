/**
 * Which `$DATA` images a loop device is bound to, read once at start.
 *
 * Before every mount, util-linux's `mount -o loop` (libmount 2.38, `loopcxt_find_overlap`) looks
 * for a device already bound to the image, so that one file never backs two devices (two ext4
 * mounts of one file through two devices would corrupt it; two mounts of one device share one
 * file system). It walks `/sys/block` and tests every `loopN`: on a host with 1,100 loop nodes,
 * ~10 ms of CPU per mount. plugd binds its images itself instead (see mount_holder.ts), with
 * no scan, and keeps the rule this way: only plugd binds its images, one mount each, and this
 * one scan at start finds an image still bound to an earlier daemon's device (whose plugins are
 * still going away), which is then mounted with `mount -o loop` (that finds the device and mounts
 * it again). Devices only go away after the scan: an earlier daemon binds nothing more.
 */

/**
 * The files under `dir` (a real path) that a loop device is bound to now. A device of these not
 * marked to go with its last user was left by a daemon killed while `losetup --find` bound it
 * (before the holder marked it): it is detached here (at once when nothing holds it; else it is
 * marked and goes with its last mount), since no plugd uses it (the state dir is locked, and this
 * daemon has mounted nothing yet).
 *
 * Devices bound to a deleted plugd image anywhere (`…/volumes/<name>.img (deleted)`: a daemon of
 * another state dir was killed inside that window, then its state dir removed, as tests and CI do)
 * are detached too: no daemon can mount a deleted image again, and a device still in use is only
 * marked to go with its last user, which plugd's own devices are already.
 */
/** A loop device's back file that is a removed plugd `$DATA` image. */
const DELETED_IMAGE = /\/volumes\/[^/]+\.img \(deleted\)$/;

export async function boundImages(dir: string, losetup = "losetup"): Promise<Set<string>> {
  const run = async (args: string[]) => {
    const out = await new Deno.Command(losetup, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    if (!out.success) {
      throw new Error(`losetup ${args[0]} failed: ${text.decode(out.stderr).trim()}`);
    }
    return text.decode(out.stdout).trim();
  };
  const found = new Set<string>();
  const json = await run(["--list", "--json", "--output", "NAME,AUTOCLEAR,BACK-FILE"]);
  if (json === "") return found; // no device bound at all
  type Row = { name: string; autoclear?: boolean | string; "back-file"?: string };
  const rows = (JSON.parse(json) as { loopdevices?: Row[] }).loopdevices;
  for (const row of rows ?? []) {
    const back = row["back-file"] ?? "";
    const marked = row.autoclear === true || row.autoclear === "1";
    if (DELETED_IMAGE.test(back)) {
      if (!marked) await run(["--detach", row.name]).catch(() => {});
      continue;
    }
    if (!back.startsWith(`${dir}/`)) continue;
    found.add(back);
    if (!marked) await run(["--detach", row.name]).catch(() => {});
  }
  return found;
}
