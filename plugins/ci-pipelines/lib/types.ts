/** Shapes shared by the providers, the store, the gate and the commands of ci-pipelines. */

/** A pipeline's status, the same words for every provider. */
export type Status = "pending" | "running" | "success" | "failed" | "cancelled" | "skipped";

/** Statuses after which a run changes only when it is retried. */
export const FINISHED: ReadonlySet<Status> = new Set(["success", "failed", "cancelled", "skipped"]);

/** Which CI sent it. */
export type Provider = "github" | "gitlab" | "jenkins";

/** An artifact a pipeline reported: where to fetch it and, when known, its digest. */
export interface Artifact {
  name: string;
  url: string;
  digest: string | null;
}

/** One webhook, reduced to what is stored. */
export interface PipelineUpdate {
  provider: Provider;
  /** The provider's id of the run (unique per provider and repo). */
  externalId: string;
  repo: string;
  branch: string | null;
  sha: string;
  /** The pipeline's name: workflow, check-suite app, GitLab pipeline name or Jenkins job. */
  name: string;
  status: Status;
  /** Re-runs of the same run count up (GitHub run_attempt); a stale lower attempt is ignored. */
  attempt: number;
  url: string | null;
  /** What a retry through the provider's API needs. */
  retryRef: RetryRef | null;
  artifacts: Artifact[];
}

/** How to ask the provider to run a pipeline again. */
export type RetryRef =
  | { kind: "github_run"; runId: number }
  | { kind: "github_suite"; suiteId: number }
  | { kind: "gitlab_pipeline"; projectId: number; pipelineId: number };

/** A stored pipeline run. */
export interface PipelineRow {
  id: number;
  provider: Provider;
  external_id: string;
  repo: string;
  branch: string | null;
  sha: string;
  name: string;
  status: Status;
  attempt: number;
  url: string | null;
  retry_ref: string | null;
  created_at: string;
  updated_at: string;
}

/** What the deployment gate requires of one app. */
export interface AppRequirement {
  repo: string;
  /** Names of the pipelines that must be green; empty: every pipeline reported for the commit. */
  pipelines?: string[];
}

/** An operator's allow-listed exception to the gate. */
export interface Override {
  app: string;
  /** The commit it covers (a prefix of at least 7 characters), or "*" for any commit. */
  sha: string;
  reason: string;
  /** After this time the override no longer applies. */
  expires_at?: string;
}

/** The plugin's settings (see plugin.yaml). */
export interface CiConfig {
  github?: { webhook_secret?: string; token?: string; api_url?: string };
  gitlab?: { webhook_token?: string; token?: string; api_url?: string };
  jenkins?: { secret?: string };
  artifacts?: { secret?: string };
  apps?: Record<string, AppRequirement>;
  overrides?: Override[];
  unknown_apps?: "allow" | "deny";
  retention_days?: number;
}
