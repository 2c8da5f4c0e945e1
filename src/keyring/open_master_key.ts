/** Start-up: the master key the database's secrets are sealed under, finishing any rotation. */
import {
  createMasterKeyFile,
  importMasterKey,
  MasterKeyError,
  MasterKeyHolder,
  masterKeyId,
  readMasterKeyBytes,
} from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";
import { keyCheckStatement, keyOpensCanary, readKeyCheck } from "./key_check.ts";
import { dirname } from "node:path";
import {
  installPendingKey,
  pendingKeyCandidates,
  removeDurably,
  removeStaleKeyTemps,
} from "./key_files.ts";

/** Options of {@linkcode openMasterKey}. */
export interface OpenMasterKeyOptions {
  store: Store;
  /** `Config.masterKeyFile`. */
  keyFile: string;
  /** The state dir (a pending key may be parked there). */
  stateDir: string;
  /** @default console.error */
  log?: (message: string) => void;
}

/** The opened key and its public id. */
export interface OpenedMasterKey {
  holder: MasterKeyHolder;
  keyId: string;
}

/**
 * Loads the master key and proves it is the one the database's secrets are sealed under (the
 * canary in `master_key_check`). A rotation interrupted by a crash is settled here: if the
 * database already committed to the pending key, the pending key is installed (or, when the
 * key file is a read-only credential, used and reported); otherwise the pending key is
 * dropped. A key that opens nothing is refused, naming both key ids, instead of starting with
 * secrets that cannot be read.
 */
export async function openMasterKey(options: OpenMasterKeyOptions): Promise<OpenedMasterKey> {
  const { store, keyFile, stateDir, log = (m) => console.error(`plugd: ${m}`) } = options;
  await removeStaleKeyTemps([dirname(keyFile), stateDir]);
  const check = await readKeyCheck(store);
  const pending = await readPending(keyFile, stateDir);
  let bytes = await readMasterKeyBytes(keyFile);
  if (bytes === null) {
    if (check && !pending.some((p) => p.id === check.keyId)) {
      throw new MasterKeyError(
        `Master key ${keyFile} is missing, but this database's secrets are sealed under key ` +
          `${check.keyId}; restore that key file from backup (or point PLUGD_MASTER_KEY_FILE at it)`,
      );
    }
    if (!check) bytes = await createMasterKeyFile(keyFile);
  }
  const current = bytes ? await named(bytes) : null;
  if (!check) {
    // First start with key checks: record the key in use; no rotation can be pending.
    for (const p of pending) await removeDurably(p.path);
    await store.write(async () => ({
      statements: [await keyCheckStatement(current!.key, current!.id, null)],
    }));
    return { holder: new MasterKeyHolder(current!.key), keyId: current!.id };
  }
  if (current && await keyOpensCanary(current.key, check.canary)) {
    // A pending key the database never committed to is an interrupted rotation: drop it.
    for (const p of pending) await removeDurably(p.path);
    return { holder: new MasterKeyHolder(current.key), keyId: current.id };
  }
  for (const p of pending) {
    if (!await keyOpensCanary(p.key, check.canary)) continue;
    try {
      await installPendingKey(p.path, keyFile);
      log(`finished an interrupted master-key rotation: installed key ${p.id} as ${keyFile}`);
    } catch (error) {
      log(
        `WARNING: the master key was rotated to key ${p.id}, parked at ${p.path}, but ${keyFile} ` +
          `cannot be replaced (${(error as Error).message}). Install ${p.path} as ${keyFile} ` +
          `(e.g. the systemd credential) and restart; plugd uses it until then`,
      );
    }
    return { holder: new MasterKeyHolder(p.key), keyId: p.id };
  }
  throw new MasterKeyError(
    `Master key ${keyFile} (key ${current?.id ?? "missing"}) does not open this database's ` +
      `secrets, which are sealed under key ${check.keyId}; restore the matching key file from ` +
      `backup (or point PLUGD_MASTER_KEY_FILE at it)`,
  );
}

async function named(bytes: Uint8Array<ArrayBuffer>): Promise<{ key: CryptoKey; id: string }> {
  return { key: await importMasterKey(bytes), id: await masterKeyId(bytes) };
}

async function readPending(
  keyFile: string,
  stateDir: string,
): Promise<{ path: string; key: CryptoKey; id: string }[]> {
  const out = [];
  for (const path of pendingKeyCandidates(keyFile, stateDir)) {
    const bytes = await readMasterKeyBytes(path).catch(() => null);
    if (bytes) out.push({ path, ...await named(bytes) });
  }
  return out;
}
