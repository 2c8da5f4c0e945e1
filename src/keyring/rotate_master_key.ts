/** `plugd key rotate-master`: re-seal every secret under a new key, crash-safe at any point. */
import { auditStatement } from "../audit/mod.ts";
import {
  importMasterKey,
  MASTER_KEY_BYTES,
  type MasterKeyHolder,
  masterKeyId,
} from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";
import { keyCheckStatement } from "./key_check.ts";
import {
  installPendingKey,
  pendingKeyCandidates,
  removeDurably,
  writeKeyFileDurably,
} from "./key_files.ts";
import { resealStatements } from "./sealed_values.ts";

/** Options of {@linkcode rotateMasterKey}. */
export interface RotateMasterKeyOptions {
  store: Store;
  holder: MasterKeyHolder;
  keyFile: string;
  stateDir: string;
  /** Who asked, for the audit log. */
  actor: string;
  /**
   * Called at each step (`pending-written`, `committed`, `installed`); tests use it to crash
   * the daemon at exact points. @default none
   */
  onStep?: (step: RotationStep) => void;
}

/** The points a rotation passes, in order. */
export type RotationStep = "pending-written" | "committed" | "installed";

/** What a rotation did. */
export interface RotationResult {
  /** The new key's public id. */
  key_id: string;
  previous_key_id: string;
  /** Sealed values re-encrypted. */
  secrets: number;
  /** Where the new key is now. */
  key_file: string;
  /** False when the key file is read-only: the operator must install `key_file` there. */
  installed: boolean;
}

/** Thrown when a rotation is already running. */
export class RotationInProgressError extends Error {
  override name = "RotationInProgressError";
}

const running = new WeakSet<MasterKeyHolder>();

/**
 * 1. writes a new random key durably as the pending key (beside the key file, or in the state
 *    dir when the key file's folder is read-only);
 * 2. in ONE write batch: every sealed value re-encrypted under it, the canary replaced, the
 *    audit row — then the in-memory key is swapped before any other write runs;
 * 3. renames the pending key over the key file (the old key is gone from disk only now).
 *
 * A crash before 2 commits leaves the old key in force (start-up drops the pending key); a
 * crash after leaves the database on the new key and start-up installs the pending one. So at
 * every point either all secrets open with the old key or all with the new one.
 */
export async function rotateMasterKey(options: RotateMasterKeyOptions): Promise<RotationResult> {
  const { store, holder, keyFile, stateDir, actor, onStep = () => {} } = options;
  if (running.has(holder)) {
    throw new RotationInProgressError("A master-key rotation is already running; wait for it");
  }
  running.add(holder);
  try {
    const bytes = crypto.getRandomValues(new Uint8Array(MASTER_KEY_BYTES));
    const next = await importMasterKey(bytes);
    const keyId = await masterKeyId(bytes);
    const pending = await parkPendingKey(keyFile, stateDir, bytes);
    onStep("pending-written");
    let previousKeyId = "";
    let secrets = 0;
    try {
      await store.write(async () => {
        const prev = await store.execute("SELECT key_id FROM master_key_check WHERE id = 1");
        previousKeyId = String(prev.rows[0]?.key_id ?? "");
        const { statements, count } = await resealStatements(store, holder, next);
        secrets = count;
        const now = new Date().toISOString();
        statements.push(await keyCheckStatement(next, keyId, now));
        statements.push(
          await auditStatement(store, {
            actor,
            action: "master_key.rotate",
            target: keyId,
            result: "ok",
            detail: { previous_key_id: previousKeyId, secrets: count },
          }),
        );
        return { statements, afterCommit: () => holder.replace(next) };
      });
    } catch (error) {
      await removeDurably(pending).catch(() => {});
      throw error;
    }
    onStep("committed");
    let installed = true;
    try {
      if (pending !== `${keyFile}.next`) throw new Error("the key file's folder is not writable");
      await installPendingKey(pending, keyFile);
      onStep("installed");
    } catch {
      installed = false;
    }
    return {
      key_id: keyId,
      previous_key_id: previousKeyId,
      secrets,
      key_file: installed ? keyFile : pending,
      installed,
    };
  } finally {
    running.delete(holder);
  }
}

async function parkPendingKey(
  keyFile: string,
  stateDir: string,
  bytes: Uint8Array,
): Promise<string> {
  let failure: unknown;
  for (const path of pendingKeyCandidates(keyFile, stateDir)) {
    try {
      await writeKeyFileDurably(path, bytes);
      return path;
    } catch (error) {
      failure = error;
    }
  }
  throw new Error(
    `Cannot write the new master key beside ${keyFile} nor in ${stateDir}: ` +
      `${(failure as Error).message}`,
    { cause: failure },
  );
}
