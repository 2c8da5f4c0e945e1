/**
 * Fills a registry server's database with a realistic catalog for the search bench: N plugins
 * with names, descriptions and tags drawn from a vocabulary, categories, permissions, download
 * counts and ratings, and M versions in all. Rows go in through the registry's own schema (so
 * the FTS index is built by its triggers), in large batches.
 */
import type { InStatement } from "@libsql/client";
import { permissionMask, REGISTRY_MIGRATIONS } from "../../src/registry_server/mod.ts";
import { openStore } from "../../src/store/mod.ts";

const WORDS = (
  "deploy slack notify email audit backup metrics log trace alert gate release build test " +
  "docker kubernetes helm terraform ansible git github gitlab jira pager incident status cron " +
  "queue cache redis postgres mysql sqlite mongo s3 storage archive compress encrypt secret " +
  "vault token oauth ldap sso user team billing invoice report chart dashboard graph search " +
  "index feed rss webhook http proxy dns tls cert monitor health ping uptime latency error " +
  "sentry datadog grafana prometheus loki kafka nats mqtt stream event filter transform " +
  "format markdown template render image pdf csv json yaml xml translate locale time clock " +
  "weather map geo chat bot discord teams matrix telegram sms voice call calendar schedule " +
  "task job worker batch sync mirror replicate migrate schema lint format review approve"
).split(" ");
const CATEGORIES = [
  "chat",
  "deploy",
  "monitoring",
  "security",
  "storage",
  "ci",
  "docs",
  "data",
  "ops",
  "integration",
];
const KINDS = [[], ["net"], ["net", "read"], ["write"], ["net", "env"], ["run"], ["sys", "emit"]];
const RISK = ["none", "medium", "high", "medium", "medium", "critical", "low"];

/** A small deterministic PRNG (mulberry32) so every run seeds the same catalog. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeds `dbUrl` with `plugins` plugins and `versions` versions; returns the vocabulary used. */
export async function seedRegistry(
  dbUrl: string,
  plugins: number,
  versions: number,
): Promise<{ words: string[]; categories: string[] }> {
  await using store = await openStore(dbUrl, { migrations: REGISTRY_MIGRATIONS });
  const random = rng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const now = new Date().toISOString();
  await store.client.execute({
    sql: `INSERT INTO publishers (name, display_name, namespaces, status, verified, created_at)
          VALUES ('bench', 'Bench', '["*"]', 'active', 1, ?)`,
    args: [now],
  });
  const perPlugin = Math.max(1, Math.round(versions / plugins));
  let batch: InStatement[] = [];
  const flush = async () => {
    if (batch.length) await store.client.batch(batch, "write");
    batch = [];
  };
  for (let i = 0; i < plugins; i++) {
    const [a, b, c] = [pick(WORDS), pick(WORDS), pick(WORDS)];
    const id = `${a}-${b}-${i}`;
    const kind = Math.floor(random() * KINDS.length);
    const categories = [...new Set([pick(CATEGORIES), pick(CATEGORIES)])];
    const count = Math.floor(random() * 50);
    const sum = Math.round(count * (2 + random() * 3));
    const latest = `1.${perPlugin - 1}.0`;
    batch.push({
      sql: `INSERT INTO plugins (id, publisher, name, description, tags, categories, latest,
              max_risk, risk_rank, permission_kinds, permission_mask, downloads, rating_sum,
              rating_count, rating, rating_score, listed, created_at, updated_at)
            VALUES (?, 'bench', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
      args: [
        id,
        `${a} ${b}`,
        `${a} and ${c} for ${b}: ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`,
        `${a} ${c} ${pick(WORDS)}`,
        JSON.stringify(categories),
        latest,
        RISK[kind]!,
        ["none", "low", "medium", "high", "critical"].indexOf(RISK[kind]!),
        KINDS[kind]!.join(" "),
        permissionMask(KINDS[kind]!),
        Math.floor(random() ** 3 * 100_000),
        sum,
        count,
        count ? sum / count : 0,
        (sum + 9) / (count + 3),
        now,
        new Date(Date.now() - Math.floor(random() * 3e10)).toISOString(),
      ],
    });
    for (const category of categories) {
      batch.push({
        sql: "INSERT INTO plugin_categories (plugin_id, category) VALUES (?, ?)",
        args: [id, category],
      });
    }
    for (let v = 0; v < perPlugin; v++) {
      const permissions = Object.fromEntries(KINDS[kind]!.map((k) => [k, [`${k}-target`]]));
      batch.push({
        sql: `INSERT INTO versions (plugin_id, version, status, sha256, size, build, key_id, plugd,
                permissions, max_risk, dependencies, conflicts, manifest, changelog, downloads,
                published_at)
              VALUES (?, ?, 'published', ?, 4096, ?, 'benchkey00000000', '>=0.1.0', ?, ?, '{}',
                '[]', ?, ?, ?, ?)`,
        args: [
          id,
          `1.${v}.0`,
          "0".repeat(64),
          v,
          JSON.stringify(permissions),
          RISK[kind]!,
          JSON.stringify({ id, name: `${a} ${b}`, version: `1.${v}.0` }),
          `- change ${v}`,
          Math.floor(random() * 1000),
          now,
        ],
      });
    }
    if (batch.length >= 2000) await flush();
  }
  await flush();
  return { words: WORDS, categories: CATEGORIES };
}
