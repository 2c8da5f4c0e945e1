/**
 * Jenkins build notifications reduced to a {@linkcode PipelineUpdate}: the JSON of the Jenkins
 * Notification plugin (`{name, build: {number, phase, status, full_url, scm, artifacts}}`) with
 * `repo` added (or derived from `build.scm.url`). Any CI can post the same shape.
 */
import type { Artifact, PipelineUpdate, Status } from "./types.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** A build's phase and result in our words. */
export function jenkinsStatus(phase: unknown, status: unknown): Status {
  if (phase !== "COMPLETED" && phase !== "FINALIZED") {
    return phase === "STARTED" ? "running" : "pending";
  }
  switch (status) {
    case "SUCCESS":
      return "success";
    case "FAILURE":
    case "UNSTABLE":
      return "failed";
    case "ABORTED":
      return "cancelled";
    case "NOT_BUILT":
      return "skipped";
    default:
      return "pending";
  }
}

/** `owner/name` from a clone URL (`https://host/acme/web.git`, `git@host:acme/web.git`). */
export function repoFromScmUrl(url: string): string | null {
  const path = url.replace(/^[a-z+]+:\/\/[^/]+\//i, "").replace(/^[^@/]+@[^:]+:/, "");
  const clean = path.replace(/\.git$/, "").replace(/\/+$/, "");
  return /^[\w.-]+(\/[\w.-]+)+$/.test(clean) ? clean : null;
}

/** Artifacts as a list `[{name, url, digest}]` or the Notification plugin's `{name: {archive}}`. */
function artifacts(value: Json): Artifact[] {
  const list: Artifact[] = [];
  const add = (name: unknown, url: unknown, digest: unknown) => {
    if (typeof name !== "string" || typeof url !== "string" || !/^https?:\/\//.test(url)) return;
    list.push({ name, url, digest: typeof digest === "string" ? digest : null });
  };
  if (Array.isArray(value)) {
    for (const a of value) add(a?.name, a?.url, a?.digest ?? a?.sha256);
  } else if (value && typeof value === "object") {
    for (const [name, a] of Object.entries(value as Record<string, Json>)) {
      add(name, a?.archive ?? a?.url, a?.digest ?? a?.sha256);
    }
  }
  return list;
}

/** The update a notification carries. Throws a TypeError naming a missing field. */
export function parseJenkins(payload: Json): PipelineUpdate {
  const build = payload?.build;
  if (typeof payload?.name !== "string" || payload.name === "") {
    throw new TypeError("name (the job) is missing");
  }
  if (!Number.isSafeInteger(build?.number)) throw new TypeError("build.number is missing");
  const scm = build.scm ?? {};
  const repo = typeof payload.repo === "string"
    ? payload.repo
    : typeof scm.url === "string"
    ? repoFromScmUrl(scm.url)
    : null;
  if (!repo) throw new TypeError("repo is missing (give repo or build.scm.url)");
  if (typeof scm.commit !== "string" || scm.commit === "") {
    throw new TypeError("build.scm.commit is missing");
  }
  const branch = typeof scm.branch === "string"
    ? scm.branch.replace(/^(origin|refs\/heads)\//, "")
    : null;
  return {
    provider: "jenkins",
    externalId: `${payload.name}#${build.number}`,
    repo,
    branch,
    sha: scm.commit,
    name: payload.name,
    status: jenkinsStatus(build.phase, build.status),
    attempt: 1,
    url: typeof build.full_url === "string" ? build.full_url : null,
    retryRef: null,
    artifacts: artifacts(build.artifacts),
  };
}
