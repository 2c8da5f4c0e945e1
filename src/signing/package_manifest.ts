/** The signed package manifest `.plugd/manifest.json` and its signature file. */
import type { Permissions } from "../manifest/mod.ts";
import { PackageError } from "./errors.ts";

/** Folder inside a package holding the manifest and signature; never listed in `files`. */
export const META_DIR = ".plugd";
/** Path of the signed manifest inside a package. */
export const MANIFEST_PATH = `${META_DIR}/manifest.json`;
/** Path of the signature inside a package. */
export const SIGNATURE_PATH = `${META_DIR}/signature.json`;

/** `.plugd/manifest.json`: what the signature covers (canonical JSON). */
export interface PackageManifest {
  format: 1;
  id: string;
  version: string;
  /** Monotonic build number; default at pack time: seconds since the epoch. */
  build: number;
  /** The permissions `plugin.yaml` requests. */
  permissions: Permissions;
  /** Every file except `.plugd/*`: relative path -> sha256 hex, sorted by path. */
  files: Record<string, string>;
  /**
   * The npm packages bundled into `vendor/npm/` at pack time, with the integrity npm published
   * (the bill of materials the operator reviews). Absent when none.
   */
  dependencies?: {
    name: string;
    version: string;
    integrity: string | null;
    license: string | null;
  }[];
}

/** `.plugd/signature.json`. */
export interface PackageSignature {
  key_id: string;
  alg: "Ed25519";
  /** Base64 Ed25519 signature over the exact bytes of `manifest.json`. */
  sig: string;
}

/** Whether `path` is a safe relative `/`-separated path (no `..`, no absolute, no NUL). */
export function isSafeRelPath(path: string): boolean {
  if (path.length === 0 || path.length > 1024 || path.startsWith("/")) return false;
  if (/[\0\\]/.test(path)) return false;
  return path.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

function bad(what: string): PackageError {
  return new PackageError(
    "bad_package",
    `The package's ${MANIFEST_PATH} is malformed: ${what}; rebuild it with "plugd plugin pack"`,
  );
}

/** Parses and shape-checks manifest.json bytes; throws PackageError("bad_package"). */
export function parsePackageManifest(bytes: Uint8Array): PackageManifest {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw bad(`not JSON (${(e as Error).message})`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw bad("not an object");
  if (data.format !== 1) throw bad(`unknown format ${JSON.stringify(data.format)} (expected 1)`);
  if (typeof data.id !== "string" || typeof data.version !== "string") {
    throw bad("id and version must be strings");
  }
  if (!Number.isSafeInteger(data.build) || (data.build as number) < 0) {
    throw bad("build must be a non-negative integer");
  }
  const perms = data.permissions;
  if (perms === null || typeof perms !== "object" || Array.isArray(perms)) {
    throw bad("permissions must be an object");
  }
  const files = data.files;
  if (files === null || typeof files !== "object" || Array.isArray(files)) {
    throw bad("files must be an object of path -> sha256");
  }
  for (const [path, digest] of Object.entries(files)) {
    if (!isSafeRelPath(path) || path.startsWith(`${META_DIR}/`)) {
      throw bad(`file path ${JSON.stringify(path)} is not a safe relative path`);
    }
    if (typeof digest !== "string" || !/^[0-9a-f]{64}$/.test(digest)) {
      throw bad(`digest of ${JSON.stringify(path)} is not a sha256 hex string`);
    }
  }
  const deps = data.dependencies;
  if (deps !== undefined) {
    if (!Array.isArray(deps)) throw bad("dependencies must be a list");
    for (const d of deps) {
      if (
        typeof d !== "object" || d === null || typeof d.name !== "string" ||
        typeof d.version !== "string" ||
        !(d.integrity === null || typeof d.integrity === "string") ||
        !(d.license === null || typeof d.license === "string")
      ) throw bad("each dependency must be {name, version, integrity, license}");
    }
  }
  return data as unknown as PackageManifest;
}

/** Parses signature.json bytes; throws PackageError("signature_invalid"). */
export function parsePackageSignature(bytes: Uint8Array): PackageSignature {
  try {
    const data = JSON.parse(new TextDecoder().decode(bytes));
    if (
      typeof data?.key_id === "string" && data.alg === "Ed25519" && typeof data.sig === "string"
    ) return data;
  } catch { /* reported below */ }
  throw new PackageError(
    "signature_invalid",
    `The package's ${SIGNATURE_PATH} is malformed (expected {key_id, alg: "Ed25519", sig}); ` +
      'sign it again with "plugd plugin pack --sign KEY"',
  );
}
