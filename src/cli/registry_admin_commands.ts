/**
 * Admin commands against a registry server: publishers, the review queue, decisions on
 * versions and plugins, featured plugins and abusive reviews.
 */
import { CliError, type Command, type CommandContext } from "./command.ts";
import { printableDeep } from "./printable_deep.ts";
import { print, table } from "./output.ts";
import { REGISTRY_OPTIONS, registryClient, splitRef, textOrFile } from "./registry_client.ts";

const enc = encodeURIComponent;

async function admin(ctx: CommandContext, method: string, path: string, body?: unknown) {
  const client = await registryClient(ctx, { needsToken: true });
  return await client.request(method, path, body);
}

function reasonOf(ctx: CommandContext): string {
  const reason = ctx.options.reason;
  if (typeof reason !== "string" || reason === "") throw new CliError("--reason is required", 2);
  return reason;
}

const publisherCreate: Command = {
  path: "registry publisher create",
  args: "<name>",
  summary: "create a publisher (admin); prints its token once",
  arity: [1, 1],
  options: {
    ...REGISTRY_OPTIONS,
    namespace: {
      type: "string",
      multiple: true,
      value: "PREFIX",
      description: 'plugin id prefix the publisher may publish, e.g. "acme-"',
    },
    "display-name": {
      type: "string",
      value: "NAME",
      description: "the name shown for the publisher",
    },
    key: {
      type: "string",
      value: "PUBFILE",
      description: "the publisher's public key file (.pub)",
    },
  },
  async run(ctx) {
    const key = ctx.options.key
      ? JSON.parse(await textOrFile(`@${ctx.options.key}`) ?? "null")
      : undefined;
    const result = await admin(ctx, "POST", "/api/v1/admin/publishers", {
      name: ctx.args[0],
      display_name: ctx.options["display-name"],
      namespaces: ctx.options.namespace,
      public_key: key,
    }) as { name: string; namespaces: string[]; token: string };
    print(ctx, result, () =>
      [
        `publisher ${result.name} may publish ${result.namespaces.join(", ")}`,
        `token (shown once; give it to the publisher): ${result.token}`,
      ].join("\n"));
    return 0;
  },
};

function publisherAction(action: "approve" | "verify" | "unverify" | "ban"): Command {
  return {
    path: `registry publisher ${action}`,
    args: "<name>",
    summary: `${action} a publisher (admin)`,
    arity: [1, 1],
    options: action === "ban"
      ? {
        ...REGISTRY_OPTIONS,
        reason: {
          type: "string",
          value: "TEXT",
          description: "why (shown to the publisher and in the audit log); required",
        },
      }
      : REGISTRY_OPTIONS,
    async run(ctx) {
      const body = action === "ban" ? { reason: reasonOf(ctx) } : {};
      const result = await admin(
        ctx,
        "POST",
        `/api/v1/admin/publishers/${enc(ctx.args[0]!)}/${action}`,
        body,
      ) as { name: string; status: string; verified: boolean };
      print(
        ctx,
        result,
        () => `${result.name}: ${result.status}${result.verified ? ", verified" : ""}`,
      );
      return 0;
    },
  };
}

const queue: Command = {
  path: "registry queue",
  args: "",
  summary: "list pending publishers, versions waiting for review and open flags (admin)",
  arity: [0, 0],
  options: REGISTRY_OPTIONS,
  async run(ctx) {
    const q = await admin(ctx, "GET", "/api/v1/admin/queue") as {
      publishers: { name: string; created_at: string }[];
      versions: {
        id: string;
        version: string;
        publisher: string;
        review_reason: string;
        max_risk: string;
      }[];
      flags: { id: number; plugin_id: string; version: string | null; reason: string }[];
    };
    const shown = printableDeep(q);
    print(ctx, q, () =>
      [
        `publishers waiting: ${shown.publishers.map((p) => p.name).join(", ") || "none"}`,
        "versions waiting:",
        shown.versions.length
          ? table(
            ["PLUGIN", "PUBLISHER", "RISK", "WHY"],
            shown.versions.map((
              v,
            ) => [`${v.id}@${v.version}`, v.publisher, v.max_risk, v.review_reason]),
          )
          : "  none",
        "open flags:",
        shown.flags.length
          ? table(
            ["FLAG", "PLUGIN", "REASON"],
            shown.flags.map((
              f,
            ) => [f.id, f.version ? `${f.plugin_id}@${f.version}` : f.plugin_id, f.reason]),
          )
          : "  none",
      ].join("\n"));
    return 0;
  },
};

function versionDecision(action: "approve" | "reject"): Command {
  return {
    path: `registry ${action}`,
    args: "<id>@<version>",
    summary: `${action} a version waiting for review (admin)`,
    arity: [1, 1],
    options: action === "reject"
      ? {
        ...REGISTRY_OPTIONS,
        reason: {
          type: "string",
          value: "TEXT",
          description: "why (shown to the publisher and in the audit log); required",
        },
      }
      : REGISTRY_OPTIONS,
    async run(ctx) {
      const { id, version } = splitRef(ctx.args[0]!);
      const body = action === "reject" ? { reason: reasonOf(ctx) } : {};
      const result = await admin(
        ctx,
        "POST",
        `/api/v1/admin/plugins/${enc(id)}/versions/${enc(version!)}/${action}`,
        body,
      );
      print(
        ctx,
        result,
        () => `${ctx.args[0]}: ${action === "approve" ? "published" : "rejected"}`,
      );
      return 0;
    },
  };
}

const ban: Command = {
  path: "registry ban",
  args: "<id>[@<version>]",
  summary: "remove a plugin or one version from the registry (admin); --undo for a plugin",
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
    const { id, version } = splitRef(ctx.args[0]!, true);
    const path = version
      ? `/api/v1/admin/plugins/${enc(id)}/versions/${enc(version)}/ban`
      : `/api/v1/admin/plugins/${enc(id)}/${ctx.options.undo ? "unban" : "ban"}`;
    const result = await admin(
      ctx,
      "POST",
      path,
      ctx.options.undo ? {} : { reason: reasonOf(ctx) },
    );
    print(ctx, result, () => `${ctx.args[0]} ${ctx.options.undo ? "restored" : "banned"}`);
    return 0;
  },
};

const feature: Command = {
  path: "registry feature",
  args: "<id>",
  summary: "feature a plugin (admin; --rank N orders them, --off removes it)",
  arity: [1, 1],
  options: {
    ...REGISTRY_OPTIONS,
    rank: {
      type: "string",
      value: "N",
      description: "position among featured plugins (default 1)",
    },
    off: { type: "boolean", description: "stop featuring it" },
  },
  async run(ctx) {
    const body = ctx.options.off ? { featured: false } : { rank: Number(ctx.options.rank ?? 1) };
    const result = await admin(
      ctx,
      "POST",
      `/api/v1/admin/plugins/${enc(ctx.args[0]!)}/feature`,
      body,
    );
    print(
      ctx,
      result,
      () => `${ctx.args[0]} ${ctx.options.off ? "no longer featured" : "featured"}`,
    );
    return 0;
  },
};

function reviewAction(action: "hide" | "show"): Command {
  return {
    path: `registry review ${action}`,
    args: "<review-id>",
    summary: `${action} an abusive review (admin)`,
    arity: [1, 1],
    options: action === "hide"
      ? {
        ...REGISTRY_OPTIONS,
        reason: {
          type: "string",
          value: "TEXT",
          description: "why (shown to the publisher and in the audit log); required",
        },
      }
      : REGISTRY_OPTIONS,
    async run(ctx) {
      const body = action === "hide" ? { reason: reasonOf(ctx) } : {};
      const result = await admin(
        ctx,
        "POST",
        `/api/v1/admin/reviews/${enc(ctx.args[0]!)}/${action}`,
        body,
      );
      print(ctx, result, () => `review ${ctx.args[0]} ${action === "hide" ? "hidden" : "shown"}`);
      return 0;
    },
  };
}

/** Every admin command. */
export const REGISTRY_ADMIN_COMMANDS: readonly Command[] = [
  publisherCreate,
  publisherAction("approve"),
  publisherAction("verify"),
  publisherAction("unverify"),
  publisherAction("ban"),
  queue,
  versionDecision("approve"),
  versionDecision("reject"),
  ban,
  feature,
  reviewAction("hide"),
  reviewAction("show"),
];
