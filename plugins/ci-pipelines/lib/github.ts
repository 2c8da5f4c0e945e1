/** GitHub Actions deliveries (`workflow_run`, `check_suite`) reduced to a {@linkcode PipelineUpdate}. */
import type { PipelineUpdate, Status } from "./types.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** GitHub's status and conclusion of a run or suite, in our words. */
export function githubStatus(status: unknown, conclusion: unknown): Status {
  if (status !== "completed") return status === "in_progress" ? "running" : "pending";
  switch (conclusion) {
    case "success":
      return "success";
    case "failure":
    case "timed_out":
    case "startup_failure":
      return "failed";
    case "cancelled":
    case "stale":
      return "cancelled";
    case "skipped":
    case "neutral":
      return "skipped";
    default: // action_required, null
      return "pending";
  }
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") throw new TypeError(`${field} is missing`);
  return value;
}

function id(value: unknown, field: string): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${field} is missing`);
  return value as number;
}

/**
 * The update a delivery carries, or null for an event this plugin does not track (`ping`,
 * `push`, ...). Throws a TypeError naming the missing field on a malformed payload.
 */
export function parseGitHub(event: string, payload: Json): PipelineUpdate | null {
  const repo = text(payload?.repository?.full_name, "repository.full_name");
  if (event === "workflow_run") {
    const run = payload.workflow_run;
    const runId = id(run?.id, "workflow_run.id");
    return {
      provider: "github",
      externalId: `run:${runId}`,
      repo,
      branch: typeof run.head_branch === "string" ? run.head_branch : null,
      sha: text(run.head_sha, "workflow_run.head_sha"),
      name: text(run.name, "workflow_run.name"),
      status: githubStatus(run.status, run.conclusion),
      attempt: Number.isSafeInteger(run.run_attempt) ? run.run_attempt : 1,
      url: typeof run.html_url === "string" ? run.html_url : null,
      retryRef: { kind: "github_run", runId },
      artifacts: [],
    };
  }
  if (event === "check_suite") {
    const suite = payload.check_suite;
    const suiteId = id(suite?.id, "check_suite.id");
    const sha = text(suite.head_sha, "check_suite.head_sha");
    const html = payload.repository?.html_url;
    return {
      provider: "github",
      externalId: `suite:${suiteId}`,
      repo,
      branch: typeof suite.head_branch === "string" ? suite.head_branch : null,
      sha,
      name: text(suite.app?.name ?? suite.app?.slug, "check_suite.app.name"),
      status: githubStatus(suite.status, suite.conclusion),
      // A re-requested suite keeps its id; GitHub sends "rerequested" then new statuses.
      attempt: 1,
      url: typeof html === "string" ? `${html}/commit/${sha}/checks` : null,
      retryRef: { kind: "github_suite", suiteId },
      artifacts: [],
    };
  }
  return null;
}
