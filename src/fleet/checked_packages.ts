/**
 * The packages a host's converger fetched and checked, cached per plugin, version and registry,
 * each with its downloaded archive kept until an install used it.
 */
import { join } from "node:path";
import type { Manifest } from "../manifest/mod.ts";
import { type CheckContext, fetchChecked, type KeptArchive } from "./package_check.ts";
import type { DesiredEntry } from "./types.ts";

/** A checked package: its manifest, and its archive until an install used it. */
export interface CheckedPackage {
  manifest: Manifest;
  archive: KeptArchive | null;
}

/** See the module doc; one per host agent. */
export class CheckedPackages {
  #check: CheckContext;
  #packages = new Map<string, Promise<CheckedPackage>>();

  constructor(check: CheckContext) {
    this.#check = check;
  }

  /** The checked package of `version` (cached; a failed fetch or check is not). */
  get(entry: DesiredEntry, version: string): Promise<CheckedPackage> {
    const key = `${entry.id}@${version}@${entry.registry}`;
    let found = this.#packages.get(key);
    if (!found) {
      const keep = join(this.#check.workDir, "fleet-archives");
      found = fetchChecked(this.#check, entry.id, version, entry.registry, keep);
      found.catch(() => this.#packages.delete(key));
      this.#packages.set(key, found);
    }
    return found;
  }

  /** The kept archive served its install (or the install failed): removed, the check stays cached. */
  async dropArchive(entry: DesiredEntry, version: string): Promise<void> {
    const found = this.#packages.get(`${entry.id}@${version}@${entry.registry}`);
    const checked = await found?.catch(() => null);
    if (!checked?.archive) return;
    const { path } = checked.archive;
    checked.archive = null;
    await Deno.remove(path).catch(() => {});
  }
}
