/**
 * Signed plugin packages (SPEC §12): Ed25519 keys, `pack`, safe extraction, verification
 * against trusted keys, and rollback protection.
 *
 * @example
 * ```ts
 * import { extractPackage, recordInstalledBuild, verifyPackage } from "./mod.ts";
 * const { dir } = await extractPackage("hello-1.0.0.tgz", tmp);
 * const { manifest, keyId } = await verifyPackage(store, dir, { dev: false });
 * const statement = recordInstalledBuild(manifest, keyId);
 * ```
 *
 * @module
 */
export { PackageError, type PackageErrorCode } from "./errors.ts";
export { canonicalJson } from "./canonical_json.ts";
export {
  generateKeyPair,
  keyIdOf,
  parsePublicKey,
  type PrivateKeyFile,
  type PublicKeyFile,
  readPrivateKeyFile,
  signBytes,
  verifyBytes,
  writeKeyFiles,
} from "./keys.ts";
export {
  findTrustedKey,
  idAllowed,
  listTrustedKeys,
  revokeKey,
  type TrustedKey,
  trustKey,
  type TrustKeyInput,
} from "./trusted_keys.ts";
export {
  isSafeRelPath,
  MANIFEST_PATH,
  META_DIR,
  type PackageManifest,
  type PackageSignature,
  parsePackageManifest,
  parsePackageSignature,
  SIGNATURE_PATH,
} from "./package_manifest.ts";
export { type PackOptions, packPlugin, type PackResult } from "./pack_plugin.ts";
export { type ExtractLimits, extractPackage } from "./extract_package.ts";
export {
  checkPackageContents,
  type VerifiedPackage,
  type VerifyOptions,
  verifyPackage,
} from "./verify_package.ts";
export {
  compareBuilds,
  highestInstalledBuild,
  type InstalledBuild,
  recordInstalledBuild,
} from "./package_history.ts";
