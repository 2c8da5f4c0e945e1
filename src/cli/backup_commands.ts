/** `plugd backup <file>` (from the running daemon) and `plugd restore <file>` (offline). */
import { resolve } from "node:path";
import { restoreBackup } from "../backup/mod.ts";
import { ApiClient } from "./client.ts";
import { CliError, type Command, type CommandContext, UsageError } from "./command.ts";
import { print } from "./output.ts";

/** The passphrase from `--passphrase-file` (first line) or `PLUGD_BACKUP_PASSPHRASE`. */
async function passphrase(ctx: CommandContext): Promise<string | undefined> {
  const file = ctx.options["passphrase-file"] as string | undefined;
  if (file) {
    const text = await Deno.readTextFile(file).catch((e) => {
      throw new UsageError(`cannot read --passphrase-file ${file}: ${(e as Error).message}`);
    });
    return text.split(/\r?\n/)[0]!;
  }
  return ctx.io.env.PLUGD_BACKUP_PASSPHRASE || undefined;
}

/** `plugd backup <file> [--encrypt] [--include-master-key] [--passphrase-file F]`. */
export const backupCommand: Command = {
  path: "backup",
  args: "<file>",
  summary: "write a consistent backup of the running daemon (DB, packages, plugin data, config)",
  arity: [1, 1],
  options: {
    encrypt: { type: "boolean", description: "encrypt the archive with a passphrase (age)" },
    "include-master-key": {
      type: "boolean",
      description: "put the master key inside (only with --encrypt)",
    },
    "passphrase-file": {
      type: "string",
      value: "FILE",
      description: "read the passphrase from FILE (else PLUGD_BACKUP_PASSPHRASE)",
    },
  },
  async run(ctx) {
    const out = resolve(ctx.args[0]!);
    const includeKey = ctx.options["include-master-key"] === true;
    const secret = ctx.options.encrypt || includeKey ? await passphrase(ctx) : undefined;
    if ((ctx.options.encrypt || includeKey) && secret === undefined) {
      throw new UsageError(
        "an encrypted backup needs a passphrase: --passphrase-file FILE or PLUGD_BACKUP_PASSPHRASE",
      );
    }
    if (includeKey && !ctx.options.encrypt) {
      throw new UsageError("--include-master-key needs --encrypt (the key never leaves in clear)");
    }
    using client = ApiClient.fromContext(ctx);
    const res = await client.raw("POST", "/v1/backup", {
      passphrase: secret,
      include_master_key: includeKey,
    });
    if (!res.ok) {
      const detail = await res.json().then((b) => b.detail).catch(() => res.statusText);
      throw new CliError(`${detail} (HTTP ${res.status})`);
    }
    const summary = JSON.parse(res.headers.get("x-plugd-backup") ?? "{}");
    const partial = `${out}.partial`;
    const file = await Deno.open(partial, {
      write: true,
      create: true,
      truncate: true,
      mode: 0o600,
    });
    try {
      await res.body!.pipeTo(file.writable);
      await Deno.rename(partial, out);
    } catch (error) {
      await Deno.remove(partial).catch(() => {});
      throw new CliError(`backup interrupted: ${(error as Error).message}`);
    }
    const size = (await Deno.stat(out)).size;
    print(ctx, { file: out, bytes: size, ...summary }, () =>
      [
        `backup written to ${out} (${size} bytes, ${summary.plugins} plugins` +
        `${summary.databases ? `, ${summary.databases} plugin databases` : ""}` +
        `${summary.encrypted ? ", encrypted" : ""}${
          summary.includes_master_key ? ", with the master key" : ""
        })`,
        summary.includes_master_key
          ? "  keep the passphrase apart from the file"
          : `  the master key (id ${summary.master_key_id}) is NOT inside: back it up separately`,
      ].join("\n"));
    return 0;
  },
};

/** `plugd restore <file> [--state-dir DIR] [--passphrase-file F] [--master-key-file F]`. */
export const restoreCommand: Command = {
  path: "restore",
  args: "<file>",
  summary: "restore a backup onto an empty state dir (daemon stopped)",
  arity: [1, 1],
  options: {
    "passphrase-file": {
      type: "string",
      value: "FILE",
      description: "the encrypted backup's passphrase (else PLUGD_BACKUP_PASSPHRASE)",
    },
    "master-key-file": {
      type: "string",
      value: "FILE",
      description: "where the master key is or goes (default <state-dir>/master.key)",
    },
  },
  async run(ctx) {
    const stateDir = resolve(
      (ctx.options["state-dir"] as string | undefined) ?? ctx.io.env.PLUGD_STATE_DIR ?? ".plugd",
    );
    const keyFile = (ctx.options["master-key-file"] as string | undefined) ??
      ctx.io.env.PLUGD_MASTER_KEY_FILE;
    const result = await restoreBackup(resolve(ctx.args[0]!), {
      stateDir,
      passphrase: await passphrase(ctx),
      masterKeyFile: keyFile ? resolve(keyFile) : undefined,
      progress: (m) => ctx.options.json ? undefined : ctx.io.err(`plugd: ${m}`),
    });
    const m = result.manifest;
    print(ctx, { state_dir: stateDir, ...result }, () =>
      [
        `restored ${m.plugins.length} plugins from a backup of ${m.created_at} ` +
        `(plugd ${m.plugd_version}) into ${stateDir}`,
        result.masterKey === "missing"
          ? `  the master key (id ${m.master_key_id}) is not there yet: put it at ` +
            `${keyFile ?? `${stateDir}/master.key`} (mode 0600) before starting the daemon`
          : `  master key: ${result.masterKey}`,
        ...(result.configFile
          ? [`  the backup's config file is at ${result.configFile}: review it, then install it`]
          : []),
        `  next: start the daemon, then run "plugd audit --verify"`,
      ].join("\n"));
    return 0;
  },
};
