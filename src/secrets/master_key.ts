import { dirname, join } from "node:path";
import { MasterKeyError } from "./errors.ts";

// Kept for callers that import the cipher from here (the first version of this file had both).
export { decryptSecret, encryptSecret } from "./cipher.ts";

/** Size of the AES-256 master key in bytes. */
export const MASTER_KEY_BYTES = 32;

/**
 * Loads the master key that encrypts secrets at rest (AES-256-GCM), creating it on first
 * start. The path usually comes from `Config.masterKeyFile` (`PLUGD_MASTER_KEY_FILE`, default
 * `<state>/master.key`); under systemd it is a credential (`$CREDENTIALS_DIRECTORY/master.key`),
 * which is read-only and is never written here.
 *
 * The file holds 32 raw bytes, or the same 32 bytes as 64 hex digits or base64 text (a trailing
 * newline is fine). A file that the group or others may access is refused (fix: `chmod 600`).
 * A missing file is created atomically with mode 0600 (never overwriting one that appears
 * meanwhile).
 *
 * @example
 * ```ts
 * const key = await loadMasterKey("/var/lib/plugd/master.key");
 * const blob = await encryptSecret(key, "s3cret", "plugin:slack-notify:webhook_url");
 * ```
 */
export async function loadMasterKey(path: string): Promise<CryptoKey> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError("loadMasterKey() needs the path of the master key file");
  }
  let bytes = await readKeyFile(path);
  if (bytes === null) bytes = await createKeyFile(path);
  return await crypto.subtle.importKey("raw", bytes, { name: "AES-GCM" }, false, [
    "encrypt",
    "decrypt",
  ]);
}

/** Imports 32 key bytes as a non-extractable AES-256-GCM key. */
export async function importMasterKey(bytes: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (bytes.length !== MASTER_KEY_BYTES) {
    throw new RangeError(`A master key has ${MASTER_KEY_BYTES} bytes; got ${bytes.length}`);
  }
  return await crypto.subtle.importKey("raw", bytes, { name: "AES-GCM" }, false, [
    "encrypt",
    "decrypt",
  ]);
}

/**
 * A short public name of a key: 16 hex digits of SHA-256 over a fixed label and the key. It
 * tells keys apart in logs and the audit log and reveals nothing usable about the key.
 */
export async function masterKeyId(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const label = new TextEncoder().encode("plugd master key id\0");
  const data = new Uint8Array(label.length + bytes.length);
  data.set(label);
  data.set(bytes, label.length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Reads a key file with the same checks as {@linkcode loadMasterKey} (mode 0600 or narrower,
 * 32 bytes raw/hex/base64); null when the file does not exist. Never creates one.
 */
export function readMasterKeyBytes(path: string): Promise<Uint8Array<ArrayBuffer> | null> {
  return readKeyFile(path);
}

/** Makes a new random master key file at `path` (0600, fsynced, never overwriting). */
export function createMasterKeyFile(path: string): Promise<Uint8Array<ArrayBuffer>> {
  return createKeyFile(path);
}

async function readKeyFile(path: string): Promise<Uint8Array<ArrayBuffer> | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new MasterKeyError(`Cannot stat master key ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!info.isFile) {
    throw new MasterKeyError(
      `Master key ${path} is not a regular file; point PLUGD_MASTER_KEY_FILE at the key file`,
    );
  }
  if (info.mode !== null && (info.mode & 0o077) !== 0) {
    throw new MasterKeyError(
      `Master key ${path} has mode ${(info.mode & 0o777).toString(8)}: the group or others may ` +
        `access it; run "chmod 600 ${path}" (and make the daemon's user its owner)`,
    );
  }
  let raw: Uint8Array;
  try {
    raw = await Deno.readFile(path);
  } catch (error) {
    throw new MasterKeyError(
      `Cannot read master key ${path}: ${(error as Error).message}; the daemon's user must own it`,
      { cause: error },
    );
  }
  return decodeKey(raw, path);
}

/** Accepts 32 raw bytes, 64 hex digits or base64 of 32 bytes (surrounding whitespace ignored). */
function decodeKey(raw: Uint8Array, path: string): Uint8Array<ArrayBuffer> {
  if (raw.length === MASTER_KEY_BYTES) return new Uint8Array(raw);
  const text = new TextDecoder("utf-8", { fatal: false }).decode(raw).trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    return Uint8Array.from(text.match(/../g)!, (h) => parseInt(h, 16));
  }
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    if (bytes.length === MASTER_KEY_BYTES) return bytes;
  }
  throw new MasterKeyError(
    `Master key ${path} is not 32 bytes (raw, 64 hex digits or base64); got ${raw.length} bytes. ` +
      `Restore it from backup; a new key cannot decrypt existing secrets`,
  );
}

async function createKeyFile(path: string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = crypto.getRandomValues(new Uint8Array(MASTER_KEY_BYTES));
  const dir = dirname(path);
  const tmp = join(dir, `.master.key.${crypto.randomUUID()}.tmp`);
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await Deno.writeFile(tmp, bytes, { mode: 0o600, createNew: true });
    await Deno.chmod(tmp, 0o600); // the umask may have narrowed nothing, but be explicit
    const file = await Deno.open(tmp, { read: true });
    try {
      await file.sync();
    } finally {
      file.close();
    }
    // link() fails when `path` exists: a key that appeared meanwhile is never overwritten.
    await Deno.link(tmp, path);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      const existing = await readKeyFile(path);
      if (existing) return existing;
    }
    throw new MasterKeyError(
      `Cannot create master key ${path}: ${(error as Error).message}; make its folder writable ` +
        `by the daemon, or provide the key (e.g. systemd LoadCredential=master.key) and set ` +
        `PLUGD_MASTER_KEY_FILE`,
      { cause: error },
    );
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
  return bytes;
}
