/** Ed25519 signing keys (WebCrypto): generation, key files, signing and verification. */
import { join } from "node:path";
import { fromBase64, sha256Hex, toBase64 } from "./_bytes.ts";

/** The public half, as written to `plugd-key-<id>.pub` and sent to `POST /v1/keys`. */
export interface PublicKeyFile {
  id: string;
  alg: "Ed25519";
  /** Base64 of the raw 32-byte public key. */
  public: string;
  created: string;
}

/** The private key file `plugd-key-<id>.key` (mode 0600): the public fields plus PKCS#8. */
export interface PrivateKeyFile extends PublicKeyFile {
  /** Base64 of the PKCS#8 private key. */
  private: string;
}

/** A key id: the first 16 hex characters of sha256(raw public key). */
export async function keyIdOf(rawPublicKey: Uint8Array): Promise<string> {
  return (await sha256Hex(rawPublicKey)).slice(0, 16);
}

/**
 * Makes a new Ed25519 key pair.
 *
 * @example
 * ```ts
 * const { privateFile, publicFile } = await generateKeyPair();
 * ```
 */
export async function generateKeyPair(): Promise<
  { privateFile: PrivateKeyFile; publicFile: PublicKeyFile }
> {
  const pair = await crypto.subtle.generateKey("Ed25519", true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const publicFile: PublicKeyFile = {
    id: await keyIdOf(raw),
    alg: "Ed25519",
    public: toBase64(raw),
    created: new Date().toISOString(),
  };
  return { publicFile, privateFile: { ...publicFile, private: toBase64(pkcs8) } };
}

/**
 * Writes `plugd-key-<id>.key` (0600) and `plugd-key-<id>.pub` into `dir`; refuses to
 * overwrite existing files. Returns both paths.
 */
export async function writeKeyFiles(
  dir: string,
  pair: { privateFile: PrivateKeyFile; publicFile: PublicKeyFile },
): Promise<{ privatePath: string; publicPath: string }> {
  const base = join(dir, `plugd-key-${pair.publicFile.id}`);
  const privatePath = `${base}.key`;
  const publicPath = `${base}.pub`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(privatePath, JSON.stringify(pair.privateFile, null, 2) + "\n", {
    createNew: true,
    mode: 0o600,
  });
  await Deno.chmod(privatePath, 0o600);
  await Deno.writeTextFile(publicPath, JSON.stringify(pair.publicFile, null, 2) + "\n", {
    createNew: true,
    mode: 0o644,
  });
  return { privatePath, publicPath };
}

/** Parses and checks public key file content (or the bare base64 key); returns the key file. */
export async function parsePublicKey(input: unknown): Promise<PublicKeyFile> {
  const obj = typeof input === "string" ? { public: input } : input;
  if (obj === null || typeof obj !== "object") {
    throw new TypeError(
      "a public key must be the base64 raw Ed25519 key or the JSON of a plugd-key-<id>.pub file",
    );
  }
  const { public: pub, alg, id, created } = obj as Record<string, unknown>;
  if (alg !== undefined && alg !== "Ed25519") {
    throw new TypeError(`unsupported key algorithm ${JSON.stringify(alg)}; only Ed25519 keys`);
  }
  let raw: Uint8Array;
  try {
    raw = fromBase64(String(pub ?? ""));
  } catch {
    raw = new Uint8Array();
  }
  if (raw.length !== 32) {
    throw new TypeError(
      'the public key must be base64 of 32 raw Ed25519 bytes (the "public" field of a .pub file)',
    );
  }
  const computed = await keyIdOf(raw);
  if (id !== undefined && id !== computed) {
    throw new TypeError(
      `the key file says id ${JSON.stringify(id)} but its public key has id ${computed}; ` +
        "the file was edited: use the .pub file written by plugd key generate",
    );
  }
  return {
    id: computed,
    alg: "Ed25519",
    public: toBase64(raw),
    created: typeof created === "string" ? created : new Date().toISOString(),
  };
}

/** Reads a private key file written by {@link writeKeyFiles}. */
export async function readPrivateKeyFile(path: string): Promise<PrivateKeyFile> {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(await Deno.readTextFile(path));
  } catch (cause) {
    throw new TypeError(
      `Cannot read the signing key ${path}: ${(cause as Error).message}; ` +
        'pass the plugd-key-<id>.key file written by "plugd key generate"',
      { cause },
    );
  }
  if (typeof data.private !== "string") {
    throw new TypeError(
      `${path} has no "private" field; pass the .key file (not the .pub file) to --sign`,
    );
  }
  const pub = await parsePublicKey(data);
  return { ...pub, private: data.private };
}

/** Signs `data` with a private key file's key; returns the base64 signature. */
export async function signBytes(key: PrivateKeyFile, data: Uint8Array): Promise<string> {
  const privateKey = await crypto.subtle.importKey(
    "pkcs8",
    fromBase64(key.private) as BufferSource,
    "Ed25519",
    false,
    ["sign"],
  );
  const sig = await crypto.subtle.sign("Ed25519", privateKey, data as BufferSource);
  return toBase64(new Uint8Array(sig));
}

/** Whether `signature` (base64) is a valid Ed25519 signature of `data` by `publicKey` (base64). */
export async function verifyBytes(
  publicKey: string,
  signature: string,
  data: Uint8Array,
): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey(
      "raw",
      fromBase64(publicKey) as BufferSource,
      "Ed25519",
      false,
      ["verify"],
    );
    const sig = fromBase64(signature);
    if (sig.length !== 64) return false;
    return await crypto.subtle.verify("Ed25519", key, sig as BufferSource, data as BufferSource);
  } catch {
    return false;
  }
}
