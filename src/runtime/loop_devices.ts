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

/** The files under `dir` (a real path) that a loop device is bound to now. */
export async function boundImages(dir: string, losetup = "losetup"): Promise<Set<string>> {
  const out = await new Deno.Command(losetup, {
    args: ["--list", "--json", "--output", "BACK-FILE"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) throw new Error(`losetup --list failed: ${text.decode(out.stderr).trim()}`);
  const found = new Set<string>();
  const json = text.decode(out.stdout).trim();
  if (json === "") return found; // no device bound at all
  const rows = (JSON.parse(json) as { loopdevices?: { "back-file"?: string }[] }).loopdevices;
  for (const row of rows ?? []) {
    const file = row["back-file"]?.replace(/ \(deleted\)$/, "");
    if (file?.startsWith(`${dir}/`)) found.add(file);
  }
  return found;
}
