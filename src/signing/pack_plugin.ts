/** `plugd plugin pack`: a plugin folder -> `<id>-<version>.tgz` with a signed manifest. */
import { dirname, join, resolve } from "node:path";
import { stagePackage } from "../bundle/mod.ts";
import { canonicalJson } from "./canonical_json.ts";
import { type PrivateKeyFile, signBytes } from "./keys.ts";
import {
  MANIFEST_PATH,
  META_DIR,
  type PackageManifest,
  type PackageSignature,
  SIGNATURE_PATH,
} from "./package_manifest.ts";
import { fileSha256 } from "./_walk_files.ts";

/** Options of {@link packPlugin}. */
export interface PackOptions {
  /** Key to sign with; unsigned packages install only on a `--dev` daemon. @default none */
  key?: PrivateKeyFile;
  /** Folder to write the archive to, as `<id>-<version>.tgz`. @default the current folder */
  outDir?: string;
  /** Exact file to write instead (wins over `outDir`). */
  outFile?: string;
  /** Build number (monotonic per plugin). @default seconds since the epoch */
  build?: number;
}

/** What {@link packPlugin} wrote. */
export interface PackResult {
  path: string;
  manifest: PackageManifest;
  keyId: string | null;
}

/**
 * Validates the folder with `loadPluginDir` and bundles its `dependencies.npm` (`stagePackage`),
 * then writes `<id>-<version>.tgz` holding the files under `package/` plus
 * `package/.plugd/manifest.json` (canonical JSON, the bundled packages listed) and, when a key
 * is given, `package/.plugd/signature.json`.
 *
 * @example
 * ```ts
 * const { path } = await packPlugin("./plugins/hello", { key, outDir: "dist" });
 * ```
 */
export async function packPlugin(dir: string, options: PackOptions = {}): Promise<PackResult> {
  const { key, outDir = ".", build = Math.floor(Date.now() / 1000) } = options;
  if (!Number.isSafeInteger(build) || build < 0) {
    throw new RangeError(`build must be a non-negative integer; got ${build}`);
  }
  const staging = await Deno.makeTempDir({ prefix: "plugd-pack-" });
  try {
    const plugin = await stagePackage(dir, join(staging, "source"));
    const files = plugin.files.filter((f) => !f.startsWith(`${META_DIR}/`) && f !== META_DIR);
    const root = join(staging, "package");
    const digests: Record<string, string> = {};
    for (const file of files) {
      const target = join(root, file);
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.copyFile(join(plugin.dir, file), target);
      digests[file] = await fileSha256(target);
    }
    const manifest: PackageManifest = {
      format: 1,
      id: plugin.manifest.id,
      version: plugin.manifest.version,
      build,
      permissions: plugin.manifest.permissions,
      files: digests,
      ...(plugin.dependencies.length > 0 ? { dependencies: plugin.dependencies } : {}),
    };
    const manifestBytes = new TextEncoder().encode(canonicalJson(manifest));
    await Deno.mkdir(join(root, META_DIR), { recursive: true });
    await Deno.writeFile(join(root, MANIFEST_PATH), manifestBytes);
    const entries = [MANIFEST_PATH, ...files];
    if (key) {
      const signature: PackageSignature = {
        key_id: key.id,
        alg: "Ed25519",
        sig: await signBytes(key, manifestBytes),
      };
      await Deno.writeTextFile(join(root, SIGNATURE_PATH), canonicalJson(signature));
      entries.unshift(SIGNATURE_PATH);
    }
    const path = options.outFile
      ? resolve(options.outFile)
      : resolve(outDir, `${manifest.id}-${manifest.version}.tgz`);
    await Deno.mkdir(dirname(path), { recursive: true });
    await (await import("tar")).c(
      { gzip: true, file: path, cwd: staging, portable: true, mtime: new Date(0) },
      entries.sort().map((e) => `package/${e}`),
    );
    return { path, manifest, keyId: key?.id ?? null };
  } finally {
    await Deno.remove(staging, { recursive: true });
  }
}
