/**
 * `$DATA` with a size limit. Where plugd may mount (root, loop devices), each plugin's `$DATA` is
 * an ext4 image of its own (`<state>/volumes/<id>.img`) mounted nosuid,nodev,noexec in the
 * daemon's private mount namespace: a write past the quota fails inside the plugin with ENOSPC,
 * and nothing it writes is on the host's file system at all. Elsewhere `$DATA` is a plain folder
 * whose size the supervisor watches ("watched").
 */
import { diskUsage } from "./disk_usage.ts";
import { boundImages } from "./loop_devices.ts";
import { createImage, imageSizeMb } from "./volume_image.ts";
import { type HeldMount, MountHolder } from "./mount_holder.ts";

/** How `$DATA` sizes are enforced on this host. */
export type VolumeMode = "image" | "watched";

/** Options of {@linkcode DataVolumes.start}. */
export interface DataVolumesOptions {
  /** Where the images live (`<state>/volumes`); created 0700. */
  dir: string;
  /** `off` forces the watched fallback. @default "auto" */
  requested?: "auto" | "off";
}

/** How a volume is mounted at `$DATA`. */
const DATA_MOUNT = "nosuid,nodev,noexec,discard";

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Removes symlinks below `dir` (a backup never carries a link out), listing them. */
async function dropSymlinks(dir: string, skipped: string[]): Promise<void> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isSymlink) {
      await Deno.remove(path);
      skipped.push(`${path}: symlink`);
    } else if (e.isDirectory) await dropSymlinks(path, skipped);
  }
}

/** The plugins' data volumes. Dispose to end the namespace (and with it every mount). */
export class DataVolumes implements AsyncDisposable {
  readonly mode: VolumeMode;
  /** Why this mode, for the daemon's log. */
  readonly reason: string;
  readonly #dir: string;
  readonly #holder?: MountHolder;
  /** Images an earlier daemon's device was still bound to at start (see `#mountImage`). */
  #leftover = new Set<string>();
  /** Mounted volumes: the plugin's `$DATA` path and where its volume is held. */
  #mounted = new Map<string, { dataDir: string; held: HeldMount }>();
  #busy = new Map<string, Promise<void>>();
  #used = new Map<string, { at: number; bytes: number }>();
  #measuring: Promise<void> | null = null;

  private constructor(dir: string, mode: VolumeMode, reason: string, holder?: MountHolder) {
    this.#dir = dir;
    this.mode = mode;
    this.reason = reason;
    this.#holder = holder;
  }

  /** Detects what the host allows and, for images, starts the namespace and proves a mount works. */
  static async start(options: DataVolumesOptions): Promise<DataVolumes> {
    const { dir, requested = "auto" } = options;
    const watched = (why: string) => new DataVolumes(dir, "watched", why);
    if (requested === "off") return watched("data_volumes is off");
    if (Deno.uid() !== 0) {
      return watched("plugd is not root, so it cannot mount a volume per plugin");
    }
    if (!await exists("/dev/loop-control")) return watched("this host has no loop devices");
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await Deno.chmod(dir, 0o700);
    let holder: MountHolder | undefined;
    try {
      const real = await Deno.realPath(dir); // as the kernel names a loop device's file
      holder = await MountHolder.start(`${real}/.mount-holder`);
      const volumes = new DataVolumes(
        real,
        "image",
        "an ext4 image per plugin, mounted in plugd's own namespace",
        holder,
      );
      volumes.#leftover = await boundImages(volumes.#dir);
      const probe = `${volumes.#dir}/.probe-${crypto.randomUUID().slice(0, 8)}`;
      await Deno.mkdir(`${probe}.mnt`);
      try {
        await createImage(`${probe}.img`, 0, 1);
        await holder.release(await volumes.#mountImage(`${probe}.img`, `${probe}.mnt`, DATA_MOUNT));
      } finally {
        await Deno.remove(`${probe}.img`).catch(() => {});
        await Deno.remove(`${probe}.mnt`).catch(() => {});
      }
      return volumes;
    } catch (error) {
      await holder?.[Symbol.asyncDispose]();
      return watched(`mounting a volume failed (${(error as Error).message})`);
    }
  }

  /** The holder of the volumes' mount namespaces (images mode). */
  get holder(): MountHolder | undefined {
    return this.#holder;
  }

  /**
   * The mount namespace plugin `id` must start in (images mode), for `nsenter --mount=`: its
   * volume's own once attached, else the daemon's base namespace.
   */
  namespaceOf(id: string): string | undefined {
    return this.#mounted.get(id)?.held.namespace ?? this.#holder?.namespace;
  }

  /**
   * Makes `dataDir` the plugin's volume (images mode): creates the image at first use (owned by
   * `uid`, sized for `quotaMb`), moves in what an older plugd left in the plain folder, mounts it.
   * Watched mode: nothing to do.
   */
  attach(id: string, dataDir: string, uid: number, quotaMb: number): Promise<void> {
    if (this.mode !== "image" || this.#mounted.has(id)) return Promise.resolve();
    return this.#serial(id, async () => {
      if (this.#mounted.has(id)) return;
      const image = this.#image(id);
      const fresh = !await exists(image);
      if (fresh) await createImage(image, uid, imageSizeMb(quotaMb));
      const held = await this.#mountImage(image, dataDir, DATA_MOUNT);
      try {
        if (fresh) await this.#moveIn(dataDir, held.root, uid);
      } catch (error) {
        await this.#holder!.release(held).catch(() => {});
        throw error;
      }
      this.#mounted.set(id, { dataDir, held });
    });
  }

  /**
   * Lets the plugin's volume go (uninstall, once its processes stopped): its namespace, and with
   * it the mount and the loop device, end. With `purge`, deletes its image too.
   */
  detach(id: string, options: { purge?: boolean } = {}): Promise<void> {
    return this.#serial(id, async () => {
      const mounted = this.#mounted.get(id);
      if (mounted !== undefined) {
        await this.#holder!.release(mounted.held).catch(() => {});
        this.#mounted.delete(id);
      }
      this.#used.delete(id);
      if (options.purge) await Deno.remove(this.#image(id)).catch(() => {});
    });
  }

  /**
   * Bytes used in the plugin's `$DATA`, at most `maxAgeMs` old: volumes are measured together
   * with one `df` (so a metrics scrape of hundreds of plugins, allowing some age, costs one
   * process), plain folders by walking them.
   */
  async usedBytes(id: string, dataDir: string, maxAgeMs = 0): Promise<number> {
    const known = this.#used.get(id);
    if (known && Date.now() - known.at <= maxAgeMs) return known.bytes;
    if (!this.#mounted.has(id)) {
      const bytes = await diskUsage(dataDir);
      this.#used.set(id, { at: Date.now(), bytes });
      return bytes;
    }
    this.#measuring ??= this.#measureVolumes().finally(() => this.#measuring = null);
    await this.#measuring;
    return this.#used.get(id)?.bytes ?? 0;
  }

  /**
   * One `stat --file-system` for every volume, through its root folder's descriptor (`df` would
   * look the path up in its own mount table, where the volume is not): used = (blocks − free
   * blocks) × block size, as `df` counts it.
   */
  async #measureVolumes(): Promise<void> {
    const mounted = [...this.#mounted];
    const text = await this.#holder!.run([
      "stat",
      "--dereference",
      "--file-system",
      "--format=%b %f %S",
      ...mounted.map(([, m]) => m.held.root),
    ])
      .catch(() => "");
    const at = Date.now();
    const rows = text.trim().split("\n");
    mounted.forEach(([id], i) => {
      const [blocks, free, size] = (rows[i] ?? "").split(" ").map(Number);
      const used = (blocks! - free!) * size!;
      if (Number.isFinite(used)) this.#used.set(id, { at, bytes: used });
    });
  }

  /**
   * Copies what the plugin's volume holds into `dest` (a folder on the host), frozen while it is
   * copied so the copy is consistent; symlinks are left out and listed in `skipped`. Returns false
   * when the plugin has no volume (its `$DATA` is the plain folder).
   */
  async copyOut(id: string, dest: string, skipped: string[]): Promise<boolean> {
    if (this.mode !== "image" || !await exists(this.#image(id))) return false;
    const holder = this.#holder!;
    await Deno.mkdir(dest, { recursive: true, mode: 0o700 });
    const copy = (from: string) =>
      holder.run([
        "cp",
        "-a",
        "--no-dereference",
        "--sparse=always",
        "--",
        `${from}/.`,
        `${dest}/`,
      ]);
    await this.#serial(id, async () => {
      const root = this.#mounted.get(id)?.held.root;
      if (root !== undefined) {
        await holder.run(["fsfreeze", "--freeze", root]);
        try {
          await copy(root);
        } finally {
          await holder.run(["fsfreeze", "--unfreeze", root]);
        }
        return;
      }
      const view = `${this.#dir}/${id}.reading`;
      await Deno.mkdir(view, { recursive: true, mode: 0o700 });
      try {
        await holder.run(["mount", "-o", "loop,ro,nosuid,nodev,noexec", this.#image(id), view]);
        try {
          await copy(view);
        } finally {
          await holder.run(["umount", view]);
        }
      } finally {
        await Deno.remove(view).catch(() => {});
      }
    });
    await dropSymlinks(dest, skipped);
    return true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.allSettled([...this.#busy.values()]);
    await this.#holder?.[Symbol.asyncDispose]();
  }

  #image(id: string): string {
    return `${this.#dir}/${id}.img`;
  }

  /**
   * Mounts `image` at `dir` in a namespace of its own, through a loop device of its own that goes
   * with the mount (see mount_holder.ts). An image an earlier daemon's device is still bound to
   * (its plugins still going away) is mounted with `mount -o loop`, which finds that device and
   * mounts it again instead of binding a second one to the same file (see loop_devices.ts).
   */
  #mountImage(image: string, dir: string, options: string): Promise<HeldMount> {
    return this.#holder!.mount(image, dir, options, this.#leftover.delete(image));
  }

  #serial(id: string, job: () => Promise<void>): Promise<void> {
    const next = (this.#busy.get(id) ?? Promise.resolve()).then(job, job);
    const tracked = next.finally(() => {
      if (this.#busy.get(id) === tracked) this.#busy.delete(id);
    });
    this.#busy.set(id, tracked.catch(() => {}));
    return next;
  }

  /**
   * Copies a plain `$DATA` an older plugd left (the host's folder) into the new volume (its
   * `root`), then empties the folder.
   */
  async #moveIn(dataDir: string, root: string, uid: number): Promise<void> {
    const entries: string[] = [];
    try {
      for await (const e of Deno.readDir(dataDir)) entries.push(e.name);
    } catch { /* no folder yet */ }
    if (entries.length === 0) return;
    await this.#holder!.run(["cp", "-a", "--", `${dataDir}/.`, `${root}/.`]);
    await this.#holder!.run(["chown", "-R", "-P", "-h", `${uid}:${uid}`, "--", `${root}/.`]);
    for (const name of entries) await Deno.remove(`${dataDir}/${name}`, { recursive: true });
  }
}
