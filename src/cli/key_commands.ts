/** `plugd key generate|trust|list|revoke`: package-signing keys. */
import { generateKeyPair, type TrustedKey, writeKeyFiles } from "../signing/mod.ts";
import { ApiClient } from "./client.ts";
import { callerPath, CliError, type Command, UsageError } from "./command.ts";
import { print, table } from "./output.ts";

/** `plugd key generate [--out DIR]`: a local Ed25519 key pair (no daemon needed). */
export const keyGenerateCommand: Command = {
  path: "key generate",
  args: "",
  summary: "make an Ed25519 signing key pair (plugd-key-<id>.key, mode 0600, and .pub)",
  arity: [0, 0],
  options: {
    out: {
      type: "string",
      value: "DIR",
      description: "folder to write the key pair to (default: the current folder)",
    },
  },
  async run(ctx) {
    const dir = callerPath(ctx, (ctx.options.out as string | undefined) ?? ".");
    const pair = await generateKeyPair();
    const paths = await writeKeyFiles(dir, pair);
    print(
      ctx,
      { id: pair.publicFile.id, private_key: paths.privatePath, public_key: paths.publicPath },
      () =>
        [
          `key ${pair.publicFile.id}`,
          `  private: ${paths.privatePath} (keep it secret; sign with plugd plugin pack --sign)`,
          `  public:  ${paths.publicPath} (operators run plugd key trust on it)`,
        ].join("\n"),
    );
    return 0;
  },
};

/** `plugd key trust <pubfile> [--allow PATTERN]... [--expires ISO] [--name N]`. */
export const keyTrustCommand: Command = {
  path: "key trust",
  args: "<pubfile>",
  summary: "trust a public key for signed plugin packages",
  arity: [1, 1],
  options: {
    allow: {
      type: "string",
      multiple: true,
      value: "PATTERN",
      description: 'plugin ids this key may sign, e.g. "acme-*" (default: any)',
    },
    expires: { type: "string", value: "ISO-DATE", description: "stop trusting the key then" },
    name: { type: "string", description: "a name to recognise the key by" },
  },
  async run(ctx) {
    const file = callerPath(ctx, ctx.args[0]!);
    let pub: unknown;
    try {
      pub = JSON.parse(await Deno.readTextFile(file));
    } catch (error) {
      throw new UsageError(
        `cannot read ${file} as a plugd .pub key file (${(error as Error).message})`,
      );
    }
    if (pub && typeof pub === "object" && "private" in pub) {
      throw new CliError(
        `${file} is a PRIVATE key; trust the matching .pub file and keep the .key secret`,
      );
    }
    using client = ApiClient.fromContext(ctx);
    const key = await client.request<TrustedKey>("POST", "/v1/keys", {
      public_key: pub,
      name: ctx.options.name,
      allowed_ids: ctx.options.allow,
      expires_at: ctx.options.expires,
    });
    print(
      ctx,
      key,
      () =>
        `trusted key ${key.id} (${key.name}) for ${key.allowed_ids.join(", ")}` +
        (key.expires_at ? ` until ${key.expires_at}` : ""),
    );
    return 0;
  },
};

/** `plugd key list`. */
export const keyListCommand: Command = {
  path: "key list",
  args: "",
  summary: "list trusted signing keys (revoked ones included)",
  arity: [0, 0],
  async run(ctx) {
    using client = ApiClient.fromContext(ctx);
    const { keys } = await client.request<{ keys: TrustedKey[] }>("GET", "/v1/keys");
    print(
      ctx,
      { keys },
      () =>
        keys.length === 0 ? "no trusted keys; add one with plugd key trust <file.pub>" : table(
          ["ID", "NAME", "ALLOWED", "EXPIRES", "STATUS"],
          keys.map((k) => [
            k.id,
            k.name,
            k.allowed_ids.join(","),
            k.expires_at,
            k.revoked_at ? `revoked ${k.revoked_at}` : "trusted",
          ]),
        ),
    );
    return 0;
  },
};

/** `plugd key revoke <id>`. */
export const keyRevokeCommand: Command = {
  path: "key revoke",
  args: "<id>",
  summary: "revoke a trusted key (packages it signed are refused from now on)",
  arity: [1, 1],
  async run(ctx) {
    using client = ApiClient.fromContext(ctx);
    const key = await client.request<TrustedKey>(
      "DELETE",
      `/v1/keys/${encodeURIComponent(ctx.args[0]!)}`,
    );
    print(ctx, key, () => `revoked key ${key.id} (${key.name}) at ${key.revoked_at}`);
    return 0;
  },
};

/** `plugd key rotate-master`: re-seals every stored secret under a new master key. */
export const keyRotateMasterCommand: Command = {
  path: "key rotate-master",
  args: "",
  summary: "re-seal every stored secret under a new master key (crash-safe; admin)",
  arity: [0, 0],
  async run(ctx) {
    using client = ApiClient.fromContext(ctx);
    const r = await client.request<{
      key_id: string;
      previous_key_id: string;
      secrets: number;
      key_file: string;
      installed: boolean;
    }>("POST", "/v1/master-key/rotate");
    print(ctx, r, () =>
      [
        `master key rotated: ${r.previous_key_id} -> ${r.key_id} (${r.secrets} secrets re-sealed)`,
        r.installed
          ? `  new key in ${r.key_file}; back it up now (the old key no longer opens anything)`
          : `  the key file is read-only: install ${r.key_file} as the master key (e.g. the ` +
            `systemd credential) before the next restart, then back it up`,
      ].join("\n"));
    return 0;
  },
};

/** Every key command, in help order. */
export const KEY_COMMANDS: readonly Command[] = [
  keyGenerateCommand,
  keyTrustCommand,
  keyListCommand,
  keyRevokeCommand,
  keyRotateMasterCommand,
];
