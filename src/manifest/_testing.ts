/** Test helpers for src/manifest (imported only by *_test.ts files). */
import assert from "node:assert/strict";
import YAML from "yaml";
import { ManifestError } from "./errors.ts";
import { parseManifest } from "./parse_manifest.ts";
import type { Manifest, Problem } from "./types.ts";

/** A minimal valid manifest as a plain object; tests add or break fields. */
export function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "test-plugin",
    name: "Test Plugin",
    version: "1.0.0",
    description: "A plugin for tests",
    plugd: ">=0.1.0",
    ...extra,
  };
}

/** Parses `doc` (object or YAML text) and returns its problems ([] when valid). */
export function problemsOf(doc: Record<string, unknown> | string): Problem[] {
  const text = typeof doc === "string" ? doc : YAML.stringify(doc);
  try {
    parseManifest(text);
    return [];
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    return e.problems;
  }
}

/** Parses `doc` and fails the test unless it is valid. */
export function valid(doc: Record<string, unknown> | string): Manifest {
  return parseManifest(typeof doc === "string" ? doc : YAML.stringify(doc));
}

/** One row of a rejection table. */
export interface Rejection {
  /** What the row checks (test output). */
  why: string;
  /** Fields to merge into {@link minimal} (or a full YAML text). */
  doc: Record<string, unknown> | string;
  /** The field path that must appear among the problems. */
  field: string;
  /** Optional text the problem's message must contain. */
  says?: string | RegExp;
}

/** Asserts every row is rejected with a problem at its field path. */
export function assertRejections(rows: Rejection[]): void {
  for (const row of rows) {
    const problems = problemsOf(typeof row.doc === "string" ? row.doc : minimal(row.doc));
    const hit = problems.find((p) => p.field === row.field);
    assert.ok(
      hit,
      `${row.why}: expected a problem at ${row.field}, got ${JSON.stringify(problems)}`,
    );
    if (row.says instanceof RegExp) assert.match(hit.message, row.says, row.why);
    else if (row.says) assert.ok(hit.message.includes(row.says), `${row.why}: ${hit.message}`);
  }
}

/** Asserts every document is accepted. */
export function assertAccepted(rows: [string, Record<string, unknown>][]): void {
  for (const [why, extra] of rows) {
    const problems = problemsOf(minimal(extra));
    assert.deepEqual(problems, [], `${why} should be valid`);
  }
}
