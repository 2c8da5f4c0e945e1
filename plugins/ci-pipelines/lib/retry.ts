/** Asks GitHub or GitLab to run a failed pipeline again, through the provider's REST API. */
import type { CiConfig, PipelineRow, RetryRef } from "./types.ts";

/** Where each API lives unless the settings name another (GitHub Enterprise, self-hosted GitLab). */
export const DEFAULT_API = {
  github: "https://api.github.com",
  gitlab: "https://gitlab.com/api/v4",
} as const;

/** What the provider was asked. */
export interface RetryResult {
  method: "POST";
  url: string;
  status: number;
}

/** The request that retries `ref`, or an Error naming what is missing. */
function retryRequest(
  config: CiConfig,
  pipeline: PipelineRow,
  ref: RetryRef,
): { url: string; headers: Record<string, string> } {
  if (ref.kind === "gitlab_pipeline") {
    const token = config.gitlab?.token;
    if (!token) {
      throw new Error(
        "gitlab.token is not set: plugd plugin config ci-pipelines --secret gitlab.token=...",
      );
    }
    const base = (config.gitlab?.api_url ?? DEFAULT_API.gitlab).replace(/\/+$/, "");
    return {
      url: `${base}/projects/${ref.projectId}/pipelines/${ref.pipelineId}/retry`,
      headers: { "private-token": token },
    };
  }
  const token = config.github?.token;
  if (!token) {
    throw new Error(
      "github.token is not set: plugd plugin config ci-pipelines --secret github.token=...",
    );
  }
  const base = (config.github?.api_url ?? DEFAULT_API.github).replace(/\/+$/, "");
  const repo = pipeline.repo.split("/").map(encodeURIComponent).join("/");
  const path = ref.kind === "github_run"
    ? `actions/runs/${ref.runId}/rerun-failed-jobs`
    : `check-suites/${ref.suiteId}/rerequest`;
  return {
    url: `${base}/repos/${repo}/${path}`,
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
    },
  };
}

/**
 * Retries a failed (or cancelled) GitHub run, check suite or GitLab pipeline. Throws an Error
 * whose message says why when it cannot (wrong status, Jenkins, no token, the API refused).
 */
export async function retryPipeline(
  config: CiConfig,
  pipeline: PipelineRow,
  signal?: AbortSignal,
): Promise<RetryResult> {
  if (pipeline.status !== "failed" && pipeline.status !== "cancelled") {
    throw new Error(
      `pipeline ${pipeline.id} is ${pipeline.status}: only a failed or cancelled one is retried`,
    );
  }
  if (!pipeline.retry_ref) {
    throw new Error(
      `pipeline ${pipeline.id} (${pipeline.provider}) cannot be retried through an API: re-run it in ${pipeline.provider}`,
    );
  }
  const { url, headers } = retryRequest(config, pipeline, JSON.parse(pipeline.retry_ref));
  const timeout = AbortSignal.timeout(10_000);
  const response = await fetch(url, {
    method: "POST",
    headers: { ...headers, "user-agent": "plugd-ci-pipelines" },
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const text = (await response.text()).slice(0, 300);
  if (!response.ok) {
    throw new Error(`${pipeline.provider} refused the retry: HTTP ${response.status} ${text}`);
  }
  return { method: "POST", url, status: response.status };
}
