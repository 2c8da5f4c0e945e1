/**
 * The master key in memory, replaceable while the daemon runs (rotation). Holders of a
 * `MasterKeyHolder` always encrypt under the current key; decryption also tries the key that
 * was current just before the last rotation, for a short grace, so a read that fetched a
 * ciphertext an instant before the rotation committed still opens.
 */
export class MasterKeyHolder {
  #current: CryptoKey;
  #retired: CryptoKey | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(key: CryptoKey) {
    this.#current = key;
  }

  /** The key new ciphertexts are sealed under. */
  get current(): CryptoKey {
    return this.#current;
  }

  /** Keys to try when decrypting: the current one first. */
  get decryptionKeys(): readonly CryptoKey[] {
    return this.#retired ? [this.#current, this.#retired] : [this.#current];
  }

  /**
   * Makes `key` current; the previous key stays usable for decryption for `graceMs` (reads
   * that raced the rotation), then is dropped.
   */
  replace(key: CryptoKey, graceMs = 10_000): void {
    clearTimeout(this.#timer);
    this.#retired = this.#current;
    this.#current = key;
    this.#timer = setTimeout(() => this.#retired = null, graceMs);
    Deno.unrefTimer(this.#timer);
  }
}

/** A master key given directly, or through a holder that rotation can update. */
export type MasterKeyRef = CryptoKey | MasterKeyHolder;

/** The key to encrypt under now. */
export function encryptionKey(ref: MasterKeyRef): CryptoKey {
  return ref instanceof MasterKeyHolder ? ref.current : ref;
}

/** The keys to try, in order, when decrypting. */
export function decryptionKeys(ref: MasterKeyRef): readonly CryptoKey[] {
  return ref instanceof MasterKeyHolder ? ref.decryptionKeys : [ref];
}
