/** Verification of an extracted package: signature, trusted key, digests, identity, rollback. */
import { join } from "node:path";
import { parseManifest } from "../manifest/mod.ts";
import type { Store } from "../store/mod.ts";
import { canonicalJson } from "./canonical_json.ts";
import { PackageError } from "./errors.ts";
import { verifyBytes } from "./keys.ts";
import { compareBuilds, highestInstalledBuild } from "./package_history.ts";
import {
  MANIFEST_PATH,
  META_DIR,
  type PackageManifest,
  parsePackageManifest,
  parsePackageSignature,
  SIGNATURE_PATH,
} from "./package_manifest.ts";
import { findTrustedKey, idAllowed } from "./trusted_keys.ts";
import { fileSha256, walkFiles } from "./_walk_files.ts";

/** Options of {@link verifyPackage}. */
export interface VerifyOptions {
  /** Dev mode: unsigned packages are accepted (reported as `keyId: null`). */
  dev: boolean;
  /** The time keys' expiry is judged at. @default new Date() */
  now?: Date;
  /** Accept a version/build lower than the highest ever installed. @default false */
  allowDowngrade?: boolean;
}

/** What a verified package is. */
export interface VerifiedPackage {
  /** The signed manifest (for unsigned dev packages: computed from the folder). */
  manifest: PackageManifest;
  /** The signing key's id, or null for an unsigned dev package. */
  keyId: string | null;
}

const UNSIGNED_FIX = "unsigned packages are refused; sign with plugd plugin pack --sign KEY, " +
  "trust the key with plugd key trust, or run the daemon with --dev";

/**
 * Verifies an extracted package folder (see `extractPackage`). Checks, in order: signature
 * present (unless dev), trusted/unrevoked/unexpired key, valid signature, key allowed for the
 * id, plugin.yaml id/version and permissions equal to the signed ones, no missing or unlisted
 * file, every digest, and no rollback below the highest signed build ever installed.
 * Throws {@link PackageError} with a distinct `code`.
 *
 * @example
 * ```ts
 * const { manifest, keyId } = await verifyPackage(store, dir, { dev: false });
 * ```
 */
export async function verifyPackage(
  store: Store,
  dir: string,
  options: VerifyOptions,
): Promise<VerifiedPackage> {
  const { dev, now = new Date(), allowDowngrade = false } = options;
  if (typeof dev !== "boolean") throw new TypeError("verifyPackage(): options.dev is required");
  const signatureBytes = await readOptional(join(dir, SIGNATURE_PATH));
  const manifestBytes = await readOptional(join(dir, MANIFEST_PATH));
  if (!signatureBytes) {
    if (!dev) throw new PackageError("unsigned", `The package is not signed: ${UNSIGNED_FIX}`);
    const manifest = manifestBytes
      ? parsePackageManifest(manifestBytes)
      : await computeManifest(dir);
    await checkPackageContents(dir, manifest);
    return { manifest, keyId: null };
  }
  if (!manifestBytes) {
    throw new PackageError(
      "missing_file",
      `The package has a signature but no ${MANIFEST_PATH}; rebuild it with "plugd plugin pack --sign KEY"`,
    );
  }
  const signature = parsePackageSignature(signatureBytes);
  const key = await findTrustedKey(store, signature.key_id);
  if (!key) {
    throw new PackageError(
      "untrusted_key",
      `The package is signed by key ${signature.key_id}, which is not trusted here; ` +
        "if you trust its author, run plugd key trust plugd-key-" + signature.key_id + ".pub",
    );
  }
  if (key.revoked_at) {
    throw new PackageError(
      "revoked_key",
      `The package is signed by key ${key.id} ("${key.name}"), revoked on ${key.revoked_at}; ` +
        "ask the author for a package signed with a current key",
    );
  }
  if (key.expires_at && Date.parse(key.expires_at) <= now.getTime()) {
    throw new PackageError(
      "expired_key",
      `The package is signed by key ${key.id} ("${key.name}"), which expired on ${key.expires_at}; ` +
        "ask the author to re-sign with a current key, or trust the key again with a later --expires",
    );
  }
  if (!(await verifyBytes(key.public_key, signature.sig, manifestBytes))) {
    throw new PackageError(
      "signature_invalid",
      `The signature of ${MANIFEST_PATH} does not verify with key ${key.id}: the package was ` +
        "altered after signing; get an intact copy or re-pack it with plugd plugin pack --sign",
    );
  }
  const manifest = parsePackageManifest(manifestBytes);
  if (!idAllowed(manifest.id, key.allowed_ids)) {
    throw new PackageError(
      "key_not_allowed",
      `Key ${key.id} ("${key.name}") may sign only ${
        key.allowed_ids.join(", ")
      }, not "${manifest.id}"; ` +
        "trust it for this id with plugd key trust --allow, or use the right key",
    );
  }
  await checkPackageContents(dir, manifest);
  if (!allowDowngrade) await checkRollback(store, manifest);
  return { manifest, keyId: key.id };
}

/**
 * Checks an extracted package against its (already verified) manifest: plugin.yaml's id,
 * version and permissions equal the signed ones, no signed file missing, no unlisted file, and
 * every sha256. Throws {@link PackageError}. The registry server runs it on every upload.
 */
export async function checkPackageContents(dir: string, manifest: PackageManifest): Promise<void> {
  const yamlBytes = await readOptional(join(dir, "plugin.yaml"));
  if (!yamlBytes || manifest.files["plugin.yaml"] === undefined) {
    throw new PackageError("missing_file", "The package has no plugin.yaml; re-pack it");
  }
  const plugin = parseManifest(new TextDecoder().decode(yamlBytes));
  if (plugin.id !== manifest.id || plugin.version !== manifest.version) {
    throw new PackageError(
      "id_mismatch",
      `plugin.yaml says ${plugin.id}@${plugin.version} but the signed manifest says ` +
        `${manifest.id}@${manifest.version}; the package was tampered with: re-pack and re-sign it`,
    );
  }
  if (canonicalJson(plugin.permissions) !== canonicalJson(manifest.permissions)) {
    throw new PackageError(
      "permissions_mismatch",
      `plugin.yaml asks for permissions ${canonicalJson(plugin.permissions)} but the signed ` +
        `manifest lists ${canonicalJson(manifest.permissions)}; re-pack and re-sign the package`,
    );
  }
  const present = (await walkFiles(dir)).filter((f) => !f.startsWith(`${META_DIR}/`));
  const listed = Object.keys(manifest.files);
  const missing = listed.filter((f) => !present.includes(f));
  if (missing.length > 0) {
    throw new PackageError(
      "missing_file",
      `The package lacks signed file(s) ${missing.join(", ")}; get an intact copy of it`,
    );
  }
  const unlisted = present.filter((f) => manifest.files[f] === undefined);
  if (unlisted.length > 0) {
    throw new PackageError(
      "unlisted_file",
      `The package holds file(s) not covered by the signed manifest: ${unlisted.join(", ")}; ` +
        "remove them or re-pack the package",
    );
  }
  for (const file of listed) {
    const digest = await fileSha256(join(dir, file));
    if (digest !== manifest.files[file]) {
      throw new PackageError(
        "digest_mismatch",
        `${file} does not match its signed sha256 (expected ${
          manifest.files[file]
        }, got ${digest}); ` +
          "the file was altered: get an intact copy of the package",
      );
    }
  }
}

async function checkRollback(store: Store, manifest: PackageManifest): Promise<void> {
  const highest = await highestInstalledBuild(store, manifest.id);
  if (highest && compareBuilds(manifest, highest) < 0) {
    throw new PackageError(
      "downgrade",
      `${manifest.id}@${manifest.version} build ${manifest.build} is older than ` +
        `${highest.version} build ${highest.build}, already installed here (rollback protection); ` +
        "install a newer build, or pass allowDowngrade (plugd plugin install --allow-downgrade) deliberately",
    );
  }
}

/** The manifest an unsigned dev folder would have had: digests of its files, build 0. */
async function computeManifest(dir: string): Promise<PackageManifest> {
  const plugin = parseManifest(await Deno.readTextFile(join(dir, "plugin.yaml")));
  const files: Record<string, string> = {};
  for (const f of await walkFiles(dir)) {
    if (!f.startsWith(`${META_DIR}/`)) files[f] = await fileSha256(join(dir, f));
  }
  return {
    format: 1,
    id: plugin.id,
    version: plugin.version,
    build: 0,
    permissions: plugin.permissions,
    files,
  };
}

async function readOptional(path: string): Promise<Uint8Array | null> {
  try {
    const info = await Deno.lstat(path);
    if (!info.isFile) {
      throw new PackageError("unsafe_entry", `${path} is not a regular file; refused`);
    }
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
