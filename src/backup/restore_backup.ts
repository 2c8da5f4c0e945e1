/**
 * `plugd restore`: unpacks a backup onto an EMPTY state dir (the daemon not running), checks
 * it (format, schema, database digest, master key), and prepares every plugin to run again.
 */
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { appendAudit } from "../audit/mod.ts";
import { keyOpensCanary, readKeyCheck } from "../keyring/mod.ts";
import { preparePlugin } from "../runtime/mod.ts";
import { importMasterKey, readMasterKeyBytes } from "../secrets/mod.ts";
import { MIGRATIONS, openStore } from "../store/mod.ts";
import { AGE_MAGIC, decryptStream } from "./age_stream.ts";
import {
  BACKUP_ROOT,
  BackupError,
  type BackupManifest,
  checkManifest,
  fileSha256,
} from "./backup_manifest.ts";
import { removeStaged } from "./stage_tree.ts";

/** Options of {@linkcode restoreBackup}. */
export interface RestoreOptions {
  /** Must not exist, or be empty. */
  stateDir: string;
  /** For encrypted backups. */
  passphrase?: string;
  /** Where the master key is (or goes, when the backup holds it). @default <stateDir>/master.key */
  masterKeyFile?: string;
  /** Progress lines. @default none */
  progress?: (message: string) => void;
}

/** What a restore did, and what the operator still has to do. */
export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the backup's config file was put, if it had one (never installed by itself). */
  configFile: string | null;
  /** How the master key stands: installed from the backup, matched, or still missing. */
  masterKey: "restored" | "matches" | "missing";
}

/** Restores `file` into `options.stateDir`. */
export async function restoreBackup(file: string, options: RestoreOptions): Promise<RestoreResult> {
  const { stateDir, passphrase, progress = () => {} } = options;
  const keyFile = options.masterKeyFile ?? join(stateDir, "master.key");
  await requireEmpty(stateDir);
  await Deno.mkdir(stateDir, { recursive: true, mode: 0o711 });
  await Deno.chmod(stateDir, 0o711);
  const work = join(stateDir, `.restore-${crypto.randomUUID().slice(0, 8)}`);
  await Deno.mkdir(work, { mode: 0o700 });
  try {
    progress(`unpacking ${file}`);
    await unpack(file, work, passphrase);
    const root = join(work, BACKUP_ROOT);
    const manifest = checkManifest(
      JSON.parse(await Deno.readTextFile(join(root, "manifest.json")).catch(() => "null")),
      MIGRATIONS.length,
    );
    if (await fileSha256(join(root, "plugd.db")) !== manifest.db_sha256) {
      throw new BackupError("The backup's database does not match its digest: the file is damaged");
    }
    for (const dir of ["plugins", "data"]) {
      await Deno.rename(join(root, dir), join(stateDir, dir)).catch(async (error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        await Deno.mkdir(join(stateDir, dir), { mode: 0o755 });
      });
    }
    await placeDatabases(root, stateDir, manifest);
    await Deno.rename(join(root, "plugd.db"), join(stateDir, "plugd.db"));
    await Deno.chmod(join(stateDir, "plugd.db"), 0o600);
    let configFile: string | null = null;
    if (manifest.config_file) {
      configFile = join(stateDir, "plugd.yaml.restored");
      await Deno.rename(join(root, "config", "plugd.yaml"), configFile);
    }
    const masterKey = await placeMasterKey(root, keyFile, manifest);
    progress(`database restored (schema ${manifest.schema_version}); master key ${masterKey}`);
    await using store = await openStore(`file:${join(stateDir, "plugd.db")}`);
    if (masterKey !== "missing") await checkKey(store, keyFile);
    for (const p of manifest.plugins) {
      progress(`preparing ${p.id}@${p.version}`);
      const rs = await store.execute({
        sql: "SELECT manifest FROM plugins WHERE id = ?",
        args: [p.id],
      });
      const entry = JSON.parse(String(rs.rows[0]?.manifest ?? "{}")).entry ?? "main.ts";
      await preparePlugin({
        pluginDir: join(stateDir, "plugins", p.id, p.version),
        entry,
        preparedDir: join(stateDir, "prepared", p.id, p.version),
        // Host layout here; the daemon prepares again for its sandbox at the first start.
        typeCheck: false, // checked when it was installed
      });
    }
    await appendAudit(store, {
      actor: "cli",
      action: "backup.restore",
      target: basename(file),
      result: "ok",
      detail: {
        created_at: manifest.created_at,
        plugd_version: manifest.plugd_version,
        plugins: manifest.plugins.length,
      },
    });
    return { manifest, configFile, masterKey };
  } finally {
    await removeStaged(work);
  }
}

/** Checks each plugin database against its digest, then moves them to `<state>/db` (0700). */
async function placeDatabases(root: string, stateDir: string, m: BackupManifest): Promise<void> {
  const listed = m.databases ?? [];
  for (const db of listed) {
    if (!/^db\/[a-z0-9][a-z0-9-]*\/(tenants\/[^/.][^/]*\/)?plugin\.db$/.test(db.path)) {
      throw new BackupError(`The backup lists a plugin database at an unexpected path: ${db.path}`);
    }
    const sha = await fileSha256(join(root, db.path)).catch(() => "missing");
    if (sha !== db.sha256) {
      throw new BackupError(
        `The backup's ${db.path} does not match its digest: the file is damaged`,
      );
    }
  }
  if (listed.length === 0) return;
  await Deno.rename(join(root, "db"), join(stateDir, "db"));
  await Deno.chmod(join(stateDir, "db"), 0o700);
}

async function requireEmpty(dir: string): Promise<void> {
  try {
    for await (const _ of Deno.readDir(dir)) {
      throw new BackupError(
        `${dir} is not empty: restore only onto an empty state dir (move the old one away, or ` +
          `pass another --state-dir)`,
      );
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

async function unpack(file: string, dest: string, passphrase?: string): Promise<void> {
  const head = new Uint8Array(AGE_MAGIC.length);
  {
    using f = await Deno.open(file, { read: true });
    await f.read(head);
  }
  const encrypted = new TextDecoder().decode(head) === AGE_MAGIC;
  let stream: ReadableStream<Uint8Array> = (await Deno.open(file, { read: true })).readable;
  if (encrypted) {
    if (passphrase === undefined) {
      throw new BackupError(
        "The backup is encrypted: give its passphrase (--passphrase-file FILE or " +
          "PLUGD_BACKUP_PASSPHRASE)",
      );
    }
    stream = await decryptStream(stream, passphrase);
  }
  const refused: string[] = [];
  const tar = await import("tar");
  const extract = tar.x({
    cwd: dest,
    strict: true,
    filter: (path, entry) => {
      const type = (entry as { type?: string }).type;
      const ok = (type === "File" || type === "Directory") &&
        (path === `${BACKUP_ROOT}/` || path.startsWith(`${BACKUP_ROOT}/`));
      if (!ok) refused.push(path);
      return ok;
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const source = Readable.fromWeb(stream as import("node:stream/web").ReadableStream);
      source.on("error", reject);
      extract.on("error", reject);
      extract.on("close", () => resolve());
      source.pipe(extract);
    });
  } catch (error) {
    throw error instanceof BackupError ? error : new BackupError(
      `Cannot unpack ${file}: ${(error as Error).message}; is it a plugd backup?`,
      { cause: error },
    );
  }
  if (refused.length > 0) {
    throw new BackupError(
      `The backup has entries plugd never writes: ${refused.slice(0, 5).join(", ")}`,
    );
  }
}

async function placeMasterKey(
  root: string,
  keyFile: string,
  manifest: BackupManifest,
): Promise<RestoreResult["masterKey"]> {
  const present = await readMasterKeyBytes(keyFile);
  if (manifest.includes_master_key) {
    const packed = await Deno.readFile(join(root, "master.key"));
    if (present && !present.every((b, i) => b === packed[i])) {
      throw new BackupError(`${keyFile} exists and holds another key; move it away first`);
    }
    if (!present) {
      await Deno.writeFile(keyFile, packed, { mode: 0o600, createNew: true });
      await Deno.chmod(keyFile, 0o600);
    }
    return "restored";
  }
  return present ? "matches" : "missing";
}

async function checkKey(
  store: Awaited<ReturnType<typeof openStore>>,
  keyFile: string,
): Promise<void> {
  const check = await readKeyCheck(store);
  const bytes = await readMasterKeyBytes(keyFile);
  if (!check || !bytes) return;
  if (!await keyOpensCanary(await importMasterKey(bytes), check.canary)) {
    throw new BackupError(
      `${keyFile} does not open this backup's secrets (sealed under key ${check.keyId}); put ` +
        `that key there (or pass --master-key-file)`,
    );
  }
}
