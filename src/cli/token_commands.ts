import { ApiClient } from "./client.ts";
import { type Command, UsageError } from "./command.ts";
import { print, table } from "./output.ts";

interface TokenInfo {
  id: string;
  name: string;
  scope: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  token?: string;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parses `--expires` such as `30d`, `12h`, `15m`, `90s`, `2w` or plain seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhdw]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || "s"]! : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 1) {
    throw new UsageError(`--expires must be a duration like 30d, 12h, 15m or 3600s; got "${text}"`);
  }
  return seconds;
}

/** `plugd token create --scope S [--name N] [--expires 30d]`: prints the token once. */
export const tokenCreateCommand: Command = {
  path: "token create",
  args: "",
  summary: "create an API token (admin, operator, reader, emitter); shown once",
  notes: "Prints the token on the first line (shown once; only its SHA-256 is stored) and a " +
    "summary after it; with `--json`, `{id, name, scope, created_at, expires_at, token}`.",
  arity: [0, 0],
  options: {
    scope: {
      type: "string",
      value: "SCOPE",
      description: "admin, operator, reader or emitter (required)",
    },
    name: { type: "string", description: "a name for the client that uses it" },
    expires: {
      type: "string",
      value: "DURATION",
      description: "lifetime such as 90s, 15m, 12h, 30d, 2w (default: never)",
    },
  },
  async run(ctx) {
    const scope = ctx.options.scope as string | undefined;
    if (!scope) {
      throw new UsageError("usage: plugd token create --scope S [--name N] [--expires 30d]");
    }
    const body: Record<string, unknown> = { scope };
    if (ctx.options.name !== undefined) body.name = ctx.options.name;
    if (ctx.options.expires !== undefined) {
      body.expires_in_s = parseDuration(ctx.options.expires as string);
    }
    using client = ApiClient.fromContext(ctx);
    const created = await client.request<TokenInfo>("POST", "/v1/tokens", body);
    print(ctx, created, () =>
      [
        created.token!,
        "",
        `token ${created.id} (${created.scope}, "${created.name}")` +
        (created.expires_at ? `, expires ${created.expires_at}` : ", never expires") +
        ". Store it now: it is not shown again.",
      ].join("\n"));
    return 0;
  },
};

/** `plugd token list`. */
export const tokenListCommand: Command = {
  path: "token list",
  args: "",
  summary: "list API tokens (never their secrets)",
  arity: [0, 0],
  async run(ctx) {
    using client = ApiClient.fromContext(ctx);
    const { tokens } = await client.request<{ tokens: TokenInfo[] }>("GET", "/v1/tokens");
    print(ctx, tokens, () =>
      table(
        ["ID", "NAME", "SCOPE", "CREATED", "EXPIRES", "LAST USED", "STATUS"],
        tokens.map((t) => [
          t.id,
          t.name,
          t.scope,
          t.created_at,
          t.expires_at,
          t.last_used_at,
          t.revoked_at
            ? "revoked"
            : t.expires_at && Date.parse(t.expires_at) <= Date.now()
            ? "expired"
            : "active",
        ]),
      ));
    return 0;
  },
};

/** `plugd token revoke <id>`. */
export const tokenRevokeCommand: Command = {
  path: "token revoke",
  args: "<id>",
  summary: "revoke an API token at once",
  arity: [1, 1],
  async run(ctx) {
    using client = ApiClient.fromContext(ctx);
    const id = encodeURIComponent(ctx.args[0]!);
    const revoked = await client.request<TokenInfo>("DELETE", `/v1/tokens/${id}`);
    print(
      ctx,
      revoked,
      () => `revoked token ${revoked.id} (${revoked.name}) at ${revoked.revoked_at}`,
    );
    return 0;
  },
};
