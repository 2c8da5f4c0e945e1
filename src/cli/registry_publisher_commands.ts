/** Publisher commands against a registry server: publish, signing keys, yank, deprecate. */
import { basename } from "node:path";
import { CliError, type Command } from "./command.ts";
import { print } from "./output.ts";
import { REGISTRY_OPTIONS, registryClient, splitRef, textOrFile } from "./registry_client.ts";

const enc = encodeURIComponent;

/** `plugd plugin publish <pkg.tgz>`. */
export const pluginPublishCommand: Command = {
  path: "plugin publish",
  args: "<package.tgz>",
  summary: "publish a signed package to a registry server (--registry URL)",
  arity: [1, 1],
  options: {
    ...REGISTRY_OPTIONS,
    changelog: { type: "string", value: "TEXT|@FILE", description: "what changed in this version" },
    category: {
      type: "string",
      multiple: true,
      value: "NAME",
      description: "a category to list the plugin under",
    },
    tag: { type: "string", multiple: true, value: "TAG", description: "a search tag" },
  },
  async run(ctx) {
    const client = await registryClient(ctx, { needsToken: true });
    const file = ctx.args[0]!;
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(file);
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
    }
    const form = new FormData();
    form.append(
      "package",
      new File([bytes as BlobPart], basename(file), { type: "application/gzip" }),
    );
    const changelog = await textOrFile(ctx.options.changelog as string | undefined);
    if (changelog) form.append("changelog", changelog);
    const categories = ctx.options.category as string[] | undefined;
    const tags = ctx.options.tag as string[] | undefined;
    if (categories?.length) form.append("categories", categories.join(","));
    if (tags?.length) form.append("tags", tags.join(","));
    const result = await client.request<
      { id: string; version: string; status: string; review_reason: string | null; sha256: string }
    >("POST", "/api/v1/packages", form);
    print(ctx, result, () =>
      `published ${result.id}@${result.version} to ${client.url}` +
      (result.status === "pending"
        ? ` (waiting for review: ${result.review_reason}; it is not listed until an admin approves it)`
        : ""));
    return 0;
  },
};

/** `plugd registry key add <file.pub>`. */
export const registryKeyAddCommand: Command = {
  path: "registry key add",
  args: "<plugd-key-ID.pub>",
  summary: "register a public signing key with your publisher on the registry",
  arity: [1, 1],
  options: REGISTRY_OPTIONS,
  async run(ctx) {
    const client = await registryClient(ctx, { needsToken: true });
    let key: unknown;
    try {
      key = JSON.parse(await Deno.readTextFile(ctx.args[0]!));
    } catch (error) {
      throw new CliError(`cannot read ${ctx.args[0]}: ${(error as Error).message}`);
    }
    const result = await client.request<{ id: string; publisher: string }>(
      "POST",
      "/api/v1/me/keys",
      { public_key: key },
    );
    print(ctx, result, () => `key ${result.id} registered to publisher ${result.publisher}`);
    return 0;
  },
};

/** `plugd registry key revoke <id>`. */
export const registryKeyRevokeCommand: Command = {
  path: "registry key revoke",
  args: "<key-id>",
  summary: "revoke one of your publisher's signing keys",
  arity: [1, 1],
  options: REGISTRY_OPTIONS,
  async run(ctx) {
    const client = await registryClient(ctx, { needsToken: true });
    const result = await client.request("DELETE", `/api/v1/me/keys/${enc(ctx.args[0]!)}`);
    print(ctx, result, () => `key ${ctx.args[0]} revoked`);
    return 0;
  },
};

/** `plugd registry yank <id>@<version> [--reason R] [--undo]`. */
export const registryYankCommand: Command = {
  path: "registry yank",
  args: "<id>@<version>",
  summary: "hide a version from resolution (still installable by exact version); --undo",
  arity: [1, 1],
  options: {
    ...REGISTRY_OPTIONS,
    reason: {
      type: "string",
      value: "TEXT",
      description: "why (shown to the publisher and in the audit log); required",
    },
    undo: { type: "boolean", description: "reverse an earlier decision" },
  },
  async run(ctx) {
    const client = await registryClient(ctx, { needsToken: true });
    const { id, version } = splitRef(ctx.args[0]!);
    const path = `/api/v1/plugins/${enc(id)}/versions/${enc(version!)}/yank`;
    const result = ctx.options.undo
      ? await client.request("DELETE", path)
      : await client.request("POST", path, { reason: ctx.options.reason });
    print(ctx, result, () => `${id}@${version} ${ctx.options.undo ? "restored" : "yanked"}`);
    return 0;
  },
};

/** `plugd registry deprecate <id>[@<version>] --message M`. */
export const registryDeprecateCommand: Command = {
  path: "registry deprecate",
  args: "<id>[@<version>]",
  summary: 'deprecate a plugin or one version with a message (--message "" undoes)',
  arity: [1, 1],
  options: {
    ...REGISTRY_OPTIONS,
    message: { type: "string", value: "TEXT", description: "what to tell users instead" },
  },
  async run(ctx) {
    const client = await registryClient(ctx, { needsToken: true });
    const message = ctx.options.message;
    if (typeof message !== "string") throw new CliError("--message is required", 2);
    const { id, version } = splitRef(ctx.args[0]!, true);
    const path = version
      ? `/api/v1/plugins/${enc(id)}/versions/${enc(version)}/deprecate`
      : `/api/v1/plugins/${enc(id)}/deprecate`;
    const result = await client.request("POST", path, { message });
    print(ctx, result, () => `${ctx.args[0]} ${message ? "deprecated" : "no longer deprecated"}`);
    return 0;
  },
};

/** Every publisher command. */
export const REGISTRY_PUBLISHER_COMMANDS: readonly Command[] = [
  pluginPublishCommand,
  registryKeyAddCommand,
  registryKeyRevokeCommand,
  registryYankCommand,
  registryDeprecateCommand,
];
