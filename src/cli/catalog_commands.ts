/** Registry plugins through the daemon: search every registry, show one, review it. */
import { CliError, type Command, type CommandContext } from "./command.ts";
import { ApiClient } from "./client.ts";
import { printableDeep } from "./printable_deep.ts";
import { print, table } from "./output.ts";

async function call<T = Record<string, unknown>>(
  ctx: CommandContext,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  using client = ApiClient.fromContext(ctx);
  return await client.request<T>(method, path, body);
}

const enc = encodeURIComponent;
function reportErrors(ctx: CommandContext, errors: { registry: string; message: string }[]): void {
  for (const e of printableDeep(errors ?? [])) {
    ctx.io.err(`plugd: registry ${e.registry}: ${e.message}`);
  }
}

export const pluginSearchCommand: Command = {
  path: "plugin search",
  args: "[query]",
  summary: "search the configured registries (filters: --category --permission --max-risk)",
  arity: [0, 1],
  options: {
    category: { type: "string", value: "NAME", description: "only plugins in this category" },
    permission: {
      type: "string",
      value: "KINDS",
      description: "comma-separated permission kinds the plugin must request (net,read)",
    },
    without: {
      type: "string",
      value: "KINDS",
      description: "comma-separated permission kinds it must not request (run,write)",
    },
    "max-risk": {
      type: "string",
      value: "LEVEL",
      description: "highest acceptable risk: none, low, medium, high, critical",
    },
    sort: {
      type: "string",
      value: "ORDER",
      description: "relevance, downloads, rating, updated or name",
    },
    limit: { type: "string", value: "N", description: "results per registry server (1-100)" },
  },
  async run(ctx) {
    const params = new URLSearchParams();
    if (ctx.args[0]) params.set("q", ctx.args[0]);
    for (const key of ["category", "permission", "without", "sort", "limit"]) {
      const value = ctx.options[key];
      if (typeof value === "string") params.set(key, value);
    }
    if (typeof ctx.options["max-risk"] === "string") {
      params.set("max_risk", ctx.options["max-risk"]);
    }
    const result = await call<{
      plugins: {
        id: string;
        latest: string;
        registry: string;
        max_risk: string | null;
        rating: number | null;
        downloads: number | null;
        description: string;
        installed?: string | null;
      }[];
      errors: { registry: string; message: string }[];
    }>(ctx, "GET", `/v1/catalog?${params}`);
    reportErrors(ctx, result.errors);
    print(ctx, result, () =>
      result.plugins.length === 0 ? "no matching plugins" : table(
        ["ID", "LATEST", "REGISTRY", "RISK", "RATING", "DOWNLOADS", "INSTALLED", "DESCRIPTION"],
        printableDeep(result.plugins).map((p) => [
          p.id,
          p.latest,
          p.registry,
          p.max_risk,
          p.rating === null ? null : p.rating.toFixed(1),
          p.downloads,
          p.installed ?? "",
          p.description.slice(0, 60),
        ]),
      ));
    return 0;
  },
};

export const pluginShowCommand: Command = {
  path: "plugin show",
  args: "<id>",
  summary: "a registry plugin's detail: versions, permissions with risk, rating, reviews",
  arity: [1, 1],
  options: {
    registry: {
      type: "string",
      value: "NAME",
      description: "ask only this configured registry",
    },
  },
  async run(ctx) {
    const q = ctx.options.registry ? `?registry=${enc(String(ctx.options.registry))}` : "";
    const d = await call<Record<string, unknown>>(
      ctx,
      "GET",
      `/v1/catalog/${enc(ctx.args[0]!)}${q}`,
    );
    print(ctx, d, () => showText(printableDeep(d)));
    return 0;
  },
};

function showText(d: Record<string, unknown>): string {
  const publisher = d.publisher as { name: string; verified: boolean } | null;
  const rating = d.rating as { average: number; count: number } | null;
  const versions = (d.versions ?? []) as {
    version: string;
    max_risk: string | null;
    yanked: boolean;
    deprecated: string | null;
    risks: { kind: string; value: string; level: string }[] | null;
  }[];
  const installed = d.installed as { version: string; state: string } | null;
  const latest = versions.find((v) => v.version === d.latest);
  const reviews = (d.reviews as { reviews: { rating: number; title: string }[] } | null)?.reviews ??
    [];
  return [
    `${d.id} ${d.latest ?? "(no installable version)"} — ${d.description}`,
    `registry: ${d.registry}` +
    (publisher ? `; publisher: ${publisher.name}${publisher.verified ? " (verified)" : ""}` : ""),
    ...(rating
      ? [
        `rating: ${rating.average.toFixed(1)} (${rating.count} reviews); downloads: ${d.downloads}`,
      ]
      : []),
    ...(d.deprecated ? [`DEPRECATED: ${d.deprecated}`] : []),
    installed ? `installed here: ${installed.version} (${installed.state})` : "not installed here",
    "permissions of the latest version:",
    ...(latest?.risks?.length
      ? latest.risks.map((r) => `  ${r.kind} ${r.value} (${r.level})`)
      : ["  none"]),
    "versions:",
    ...versions.slice(0, 15).map((v) =>
      `  ${v.version}${v.yanked ? " (yanked)" : ""}${
        v.deprecated ? ` (deprecated: ${v.deprecated})` : ""
      }` +
      (v.max_risk ? ` risk ${v.max_risk}` : "")
    ),
    ...(reviews.length
      ? ["reviews:", ...reviews.slice(0, 5).map((r) => `  ${"*".repeat(r.rating)} ${r.title}`)]
      : []),
  ].join("\n");
}

export const pluginReviewCommand: Command = {
  path: "plugin review",
  args: "<id>",
  summary: "rate a plugin 1-5 on its registry (one review per installation; again to edit)",
  arity: [1, 1],
  options: {
    rating: { type: "string", value: "1-5", description: "your rating (required)" },
    title: { type: "string", value: "TEXT", description: "a one-line summary" },
    text: { type: "string", value: "TEXT", description: "the review itself" },
    registry: {
      type: "string",
      value: "NAME",
      description: "the registry server to review on (default: where the plugin came from)",
    },
  },
  async run(ctx) {
    const rating = Number(ctx.options.rating);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
      throw new CliError("--rating must be a whole number from 1 to 5", 2);
    }
    const result = await call(ctx, "PUT", `/v1/catalog/${enc(ctx.args[0]!)}/review`, {
      rating,
      title: ctx.options.title,
      body: ctx.options.text,
      registry: ctx.options.registry,
    });
    print(ctx, result, () => `reviewed ${ctx.args[0]} on registry ${result.registry}: ${rating}/5`);
    return 0;
  },
};

/** The catalog commands. */
export const CATALOG_COMMANDS: readonly Command[] = [
  pluginSearchCommand,
  pluginShowCommand,
  pluginReviewCommand,
];
