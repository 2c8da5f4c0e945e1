/**
 * What the registry checks before it accepts an upload, in order: safe extraction, a signature
 * by a key registered to the uploading publisher, the signed manifest against every file, a
 * valid plugin.yaml, and an id inside the publisher's namespace that no other publisher owns.
 */
import { join } from "node:path";
import { HttpError } from "../api/mod.ts";
import { type Manifest, parseManifest } from "../manifest/mod.ts";
import {
  checkPackageContents,
  extractPackage,
  idAllowed,
  MANIFEST_PATH,
  PackageError,
  type PackageManifest,
  parsePackageManifest,
  parsePackageSignature,
  SIGNATURE_PATH,
  verifyBytes,
} from "../signing/mod.ts";
import type { Store } from "../store/mod.ts";
import type { Publisher } from "./publishers.ts";

/** An upload that passed every check. */
export interface CheckedUpload {
  /** The extracted package folder. */
  dir: string;
  signed: PackageManifest;
  plugin: Manifest;
  keyId: string;
}

/**
 * Extracts `archive` into `workDir` and runs every check for `publisher`. Throws PackageError
 * (422; `unsigned`, `untrusted_key`, `revoked_key`, `signature_invalid`, digests ...),
 * ManifestError (422) or HttpError 403 (`wrong_namespace`, `not_owner`).
 */
export async function checkUpload(
  store: Store,
  archive: string,
  workDir: string,
  publisher: Publisher,
): Promise<CheckedUpload> {
  const { dir } = await extractPackage(archive, join(workDir, "pkg"));
  const signatureBytes = await readOptional(join(dir, SIGNATURE_PATH));
  const manifestBytes = await readOptional(join(dir, MANIFEST_PATH));
  if (!signatureBytes || !manifestBytes) {
    throw new PackageError(
      "unsigned",
      "The registry accepts only signed packages; pack with plugd plugin pack --sign KEY " +
        "(a key registered to your publisher with plugd registry key add)",
    );
  }
  const signature = parsePackageSignature(signatureBytes);
  const rs = await store.execute({
    sql: "SELECT publisher, public_key, revoked_at FROM publisher_keys WHERE id = ?",
    args: [signature.key_id],
  });
  const key = rs.rows[0];
  if (!key || String(key.publisher) !== publisher.name) {
    throw new PackageError(
      "untrusted_key",
      `The package is signed by key ${signature.key_id}, which is not registered to publisher ` +
        `"${publisher.name}"; register it with plugd registry key add plugd-key-${signature.key_id}.pub`,
    );
  }
  if (key.revoked_at) {
    throw new PackageError(
      "revoked_key",
      `Key ${signature.key_id} was revoked on ${key.revoked_at}; sign with a current key`,
    );
  }
  if (!(await verifyBytes(String(key.public_key), signature.sig, manifestBytes))) {
    throw new PackageError(
      "signature_invalid",
      `The signature of ${MANIFEST_PATH} does not verify with key ${signature.key_id}: the ` +
        "package was altered after signing; re-pack it with plugd plugin pack --sign",
    );
  }
  const signed = parsePackageManifest(manifestBytes);
  await checkPackageContents(dir, signed);
  const plugin = parseManifest(await Deno.readTextFile(join(dir, "plugin.yaml")));
  if (!idAllowed(plugin.id, publisher.namespaces)) {
    throw new HttpError(
      403,
      `Publisher "${publisher.name}" may publish only ${publisher.namespaces.join(", ")}, not ` +
        `"${plugin.id}"; rename the plugin or ask the registry's admin for that namespace`,
      { extra: { code: "wrong_namespace" } },
    );
  }
  const owner = await store.execute({
    sql: "SELECT publisher FROM plugins WHERE id = ?",
    args: [plugin.id],
  });
  const ownerName = owner.rows[0]?.publisher;
  if (ownerName !== undefined && String(ownerName) !== publisher.name) {
    throw new HttpError(
      403,
      `Plugin "${plugin.id}" belongs to publisher "${ownerName}"; choose another id`,
      { extra: { code: "not_owner" } },
    );
  }
  return { dir, signed, plugin, keyId: signature.key_id };
}

async function readOptional(path: string): Promise<Uint8Array | null> {
  try {
    const info = await Deno.lstat(path);
    if (!info.isFile) throw new PackageError("unsafe_entry", `${path} is not a regular file`);
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
