/** Why a plugin package was refused; `code` is stable for scripts and tests. */
export type PackageErrorCode =
  | "unsigned"
  | "signature_invalid"
  | "untrusted_key"
  | "revoked_key"
  | "expired_key"
  | "key_not_allowed"
  | "digest_mismatch"
  | "unlisted_file"
  | "missing_file"
  | "permissions_mismatch"
  | "id_mismatch"
  | "downgrade"
  | "unsafe_entry"
  | "too_many_files"
  | "too_large"
  | "bad_package";

/**
 * Thrown when a package archive or an extracted package fails a safety or signature check.
 * The API maps it to 422 (409 for `downgrade`); the message says what failed and the fix.
 */
export class PackageError extends Error {
  override name = "PackageError";
  readonly code: PackageErrorCode;

  constructor(code: PackageErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
