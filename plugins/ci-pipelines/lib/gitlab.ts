/** GitLab CI pipeline events (`X-Gitlab-Event: Pipeline Hook`) reduced to a {@linkcode PipelineUpdate}. */
import type { Artifact, PipelineUpdate, Status } from "./types.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** GitLab's pipeline status in our words. */
export function gitlabStatus(status: unknown): Status {
  switch (status) {
    case "success":
      return "success";
    case "failed":
      return "failed";
    case "canceled":
    case "canceling":
      return "cancelled";
    case "skipped":
      return "skipped";
    case "running":
      return "running";
    default: // created, waiting_for_resource, preparing, pending, manual, scheduled
      return "pending";
  }
}

/** The job artifacts a pipeline event lists (GitLab gives the file name, not a digest). */
function jobArtifacts(payload: Json): Artifact[] {
  const web = payload.project?.web_url;
  if (typeof web !== "string" || !Array.isArray(payload.builds)) return [];
  return payload.builds.flatMap((build: Json) => {
    const file = build?.artifacts_file?.filename;
    if (typeof file !== "string" || file === "" || !Number.isSafeInteger(build.id)) return [];
    return [{
      name: `${build.name ?? "job"}/${file}`,
      url: `${web}/-/jobs/${build.id}/artifacts/download`,
      digest: null,
    }];
  });
}

/**
 * The update a pipeline event carries, or null for other kinds (`push`, `merge_request`, ...).
 * Throws a TypeError naming the missing field on a malformed payload.
 */
export function parseGitLab(payload: Json): PipelineUpdate | null {
  if (payload?.object_kind !== "pipeline") return null;
  const attrs = payload.object_attributes;
  const repo = payload.project?.path_with_namespace;
  if (typeof repo !== "string" || repo === "") {
    throw new TypeError("project.path_with_namespace is missing");
  }
  if (!Number.isSafeInteger(attrs?.id)) throw new TypeError("object_attributes.id is missing");
  if (typeof attrs.sha !== "string" || attrs.sha === "") {
    throw new TypeError("object_attributes.sha is missing");
  }
  const web = payload.project?.web_url;
  const url = typeof attrs.url === "string"
    ? attrs.url
    : typeof web === "string"
    ? `${web}/-/pipelines/${attrs.id}`
    : null;
  const projectId = payload.project?.id;
  return {
    provider: "gitlab",
    externalId: String(attrs.id),
    repo,
    branch: typeof attrs.ref === "string" && attrs.tag !== true ? attrs.ref : null,
    sha: attrs.sha,
    name: typeof attrs.name === "string" && attrs.name !== "" ? attrs.name : "gitlab-ci",
    status: gitlabStatus(attrs.status),
    // A retried GitLab pipeline keeps its id and goes back to running: never ignore it.
    attempt: 1,
    url,
    retryRef: Number.isSafeInteger(projectId)
      ? { kind: "gitlab_pipeline", projectId, pipelineId: attrs.id }
      : null,
    artifacts: jobArtifacts(payload),
  };
}
