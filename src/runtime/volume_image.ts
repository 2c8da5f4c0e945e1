/** A plugin's `$DATA` image file: its size for a quota, and the ext4 file system in it. */

const MIB = 1024 * 1024;

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdin: "null", stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr).trim().slice(0, 300)}`);
  }
}

/**
 * The image size for a quota: ext4's own tables and journal take 5–12 % of an image, so the
 * plugin gets about `quotaMb` (measured: 100 MiB of image hold 91 MiB, 1 GiB holds 958 MiB).
 */
export function imageSizeMb(quotaMb: number): number {
  return Math.ceil(quotaMb / 0.93) + 1;
}

/** Creates `image` (0600, `sizeMb`) with an ext4 file system whose root `uid` owns. */
export async function createImage(image: string, uid: number, sizeMb: number): Promise<void> {
  const file = await Deno.open(image, { write: true, createNew: true, mode: 0o600 });
  try {
    await file.truncate(sizeMb * MIB);
  } finally {
    file.close();
  }
  // All tables written now: the image's size on disk stays what the plugin stores.
  await run("mkfs.ext4", [
    "-q",
    "-F",
    "-m",
    "0",
    "-i",
    "16384",
    "-E",
    `root_owner=${uid}:${uid},lazy_itable_init=0,lazy_journal_init=0`,
    image,
  ]).catch(async (error) => {
    await Deno.remove(image).catch(() => {});
    throw error;
  });
}
