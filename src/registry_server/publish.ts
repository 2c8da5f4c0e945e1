/**
 * Accepting a published version: every check of `checkUpload`, then the archive is stored
 * under `<state>/packages/<id>/` and the version row, the plugin's listing and the audit row are
 * written in one batch. Versions are immutable: the same id@version twice is 409.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { auditStatement } from "../audit/mod.ts";
import { HttpError } from "../api/mod.ts";
import { canonicalJson } from "../signing/mod.ts";
import { checkUpload } from "./publish_checks.ts";
import { getPublisher } from "./publishers.ts";
import { maxRiskOf } from "../registry/mod.ts";
import { refreshPluginStatement } from "./plugin_summary.ts";
import type { RegistryDeps } from "./types.ts";

/** Listing facts a publisher sends with a version. */
export interface PublishMeta {
  /** This version's changes; default: its section of the package's CHANGELOG.md. */
  changelog?: string;
  /** Replace the plugin's categories. */
  categories?: string[];
  /** Replace the plugin's tags. */
  tags?: string[];
}

/** What a publish answers. */
export interface PublishResult {
  id: string;
  version: string;
  status: "published" | "pending";
  review_reason: string | null;
  sha256: string;
  size: number;
  key_id: string;
}

const README_LIMIT = 256 * 1024;

/**
 * Publishes the archive at `archive` for publisher `publisherName`.
 *
 * @example
 * ```ts
 * const result = await publishPackage(deps, "/tmp/upload.tgz", "acme", {}, "publisher:acme");
 * ```
 */
export async function publishPackage(
  deps: RegistryDeps,
  archive: string,
  publisherName: string,
  meta: PublishMeta,
  actor: string,
): Promise<PublishResult> {
  const { store } = deps;
  const publisher = await getPublisher(store, publisherName);
  if (publisher.status === "banned") {
    throw new HttpError(403, `Publisher "${publisher.name}" is banned: ${publisher.reason ?? ""}`);
  }
  const work = await Deno.makeTempDir({ dir: deps.incomingDir, prefix: "publish-" });
  try {
    const checked = await checkUpload(store, archive, work, publisher);
    const { plugin, signed } = checked;
    const { sha256, size } = await digestOf(archive);
    const risk = maxRiskOf(plugin.permissions);
    const reason = publisher.status === "pending"
      ? "new publisher"
      : deps.settings.reviewCritical && !publisher.verified && risk === "critical"
      ? "critical permissions"
      : null;
    const readme = (await readText(join(checked.dir, "README.md"))).slice(0, README_LIMIT);
    const changelog = meta.changelog ??
      changelogSection(await readText(join(checked.dir, "CHANGELOG.md")), plugin.version);
    const now = new Date().toISOString();
    const folder = join(deps.packagesDir, plugin.id);
    const target = join(folder, `${plugin.id}-${plugin.version}.tgz`);
    let copied = false;
    try {
      return await store.write(async () => {
        const dup = await store.execute({
          sql: "SELECT status FROM versions WHERE plugin_id = ? AND version = ?",
          args: [plugin.id, plugin.version],
        });
        if (dup.rows.length > 0) {
          throw new HttpError(
            409,
            `${plugin.id}@${plugin.version} is already published; versions are immutable: ` +
              "bump the version in plugin.yaml, pack and publish again",
            { extra: { code: "duplicate_version" } },
          );
        }
        await Deno.mkdir(folder, { recursive: true });
        await Deno.copyFile(archive, target);
        await Deno.chmod(target, 0o644);
        copied = true;
        const manifestJson = JSON.stringify(plugin);
        const permissionsJson = canonicalJson(plugin.permissions);
        const statements = [
          {
            sql: `INSERT INTO plugins (id, publisher, name, description, readme, created_at,
                    updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT (id) DO NOTHING`,
            args: [plugin.id, publisher.name, plugin.name, plugin.description, readme, now, now],
          },
          {
            sql: `INSERT INTO versions (plugin_id, version, status, review_reason, sha256, size,
                    build, key_id, plugd, permissions, max_risk, dependencies, conflicts, manifest,
                    changelog, published_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            args: [
              plugin.id,
              plugin.version,
              reason ? "pending" : "published",
              reason,
              sha256,
              size,
              signed.build,
              checked.keyId,
              plugin.plugd,
              permissionsJson,
              risk,
              JSON.stringify(plugin.dependencies.plugins),
              JSON.stringify(plugin.conflicts),
              manifestJson,
              changelog,
              now,
            ],
          },
          ...listingStatements(plugin.id, meta, readme),
          await refreshPluginStatement(
            store,
            plugin.id,
            reason ? {} : {
              add: {
                version: plugin.version,
                manifest: manifestJson,
                permissions: permissionsJson,
                published_at: now,
              },
            },
          ),
          await auditStatement(store, {
            actor,
            action: "version.publish",
            target: `${plugin.id}@${plugin.version}`,
            result: reason ? "pending" : "published",
            detail: { sha256, size, key_id: checked.keyId, review_reason: reason },
          }),
        ];
        return {
          statements,
          value: {
            id: plugin.id,
            version: plugin.version,
            status: reason ? "pending" as const : "published" as const,
            review_reason: reason,
            sha256,
            size,
            key_id: checked.keyId,
          },
        };
      });
    } catch (error) {
      if (copied) await Deno.remove(target).catch(() => {});
      throw error;
    }
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** Categories, tags and (when given) readme of the plugin's listing. */
function listingStatements(id: string, meta: PublishMeta, readme: string) {
  const statements = [];
  if (readme) {
    statements.push({ sql: "UPDATE plugins SET readme = ? WHERE id = ?", args: [readme, id] });
  }
  if (meta.tags) {
    statements.push({
      sql: "UPDATE plugins SET tags = ? WHERE id = ?",
      args: [meta.tags.join(" "), id],
    });
  }
  if (meta.categories) {
    statements.push(
      {
        sql: "UPDATE plugins SET categories = ? WHERE id = ?",
        args: [JSON.stringify(meta.categories), id],
      },
      { sql: "DELETE FROM plugin_categories WHERE plugin_id = ?", args: [id] },
      ...meta.categories.map((c) => ({
        sql: "INSERT INTO plugin_categories (plugin_id, category) VALUES (?, ?)",
        args: [id, c],
      })),
    );
  }
  return statements;
}

/** The `## 1.2.0` (or `## [1.2.0]`) section of a keep-a-changelog file, or "". */
export function changelogSection(text: string, version: string): string {
  const lines = text.split("\n");
  const heading = new RegExp(`^##\\s+\\[?v?${version.replaceAll(".", "\\.")}\\]?(\\s|$)`);
  const start = lines.findIndex((l) => heading.test(l));
  if (start === -1) return "";
  const end = lines.findIndex((l, i) => i > start && /^##\s/.test(l));
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n").trim().slice(0, 65536);
}

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

async function digestOf(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of (await Deno.open(path)).readable) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest("hex"), size };
}
