/**
 * Passphrase encryption of backup archives with age (age-encryption.org/v1, scrypt): a standard
 * format, so `age -d backup.plugd` opens an archive without plugd in a disaster.
 */

import { BackupError } from "./backup_manifest.ts";

/** The first bytes of every age file. */
export const AGE_MAGIC = "age-encryption.org/v1";

/** Encrypts a stream with `passphrase`. */
export async function encryptStream(
  stream: ReadableStream<Uint8Array>,
  passphrase: string,
): Promise<ReadableStream<Uint8Array>> {
  const { Encrypter } = await import("age-encryption"); // loaded only by a backup that encrypts
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  return await e.encrypt(stream);
}

/** Decrypts an age stream; a wrong passphrase is a `BackupError` saying so. */
export async function decryptStream(
  stream: ReadableStream<Uint8Array>,
  passphrase: string,
): Promise<ReadableStream<Uint8Array>> {
  const { Decrypter } = await import("age-encryption");
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  try {
    return await d.decrypt(stream);
  } catch (error) {
    throw new BackupError(
      `Cannot decrypt the backup: wrong passphrase, or the file is damaged ` +
        `(${(error as Error).message})`,
      { cause: error },
    );
  }
}
