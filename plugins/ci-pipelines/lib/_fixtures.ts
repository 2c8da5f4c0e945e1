/** Webhook bodies as GitHub, GitLab and Jenkins send them (trimmed), and their signatures; tests only. */

/** Hex HMAC-SHA256 of `body` under `secret`. */
export async function hmacHex(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A `workflow_run` delivery. */
export function workflowRun(options: {
  repo?: string;
  id?: number;
  name?: string;
  branch?: string;
  sha: string;
  status?: string;
  conclusion?: string | null;
  attempt?: number;
}): Record<string, unknown> {
  const { repo = "acme/web", id = 1001, name = "CI", branch = "main", attempt = 1 } = options;
  return {
    action: options.status === "completed" ? "completed" : "in_progress",
    workflow_run: {
      id,
      name,
      head_branch: branch,
      head_sha: options.sha,
      status: options.status ?? "completed",
      conclusion: options.conclusion ?? null,
      run_attempt: attempt,
      html_url: `https://github.com/${repo}/actions/runs/${id}`,
    },
    repository: { full_name: repo, html_url: `https://github.com/${repo}` },
  };
}

/** A `check_suite` delivery. */
export function checkSuite(
  sha: string,
  conclusion: string,
  repo = "acme/web",
): Record<string, unknown> {
  return {
    action: "completed",
    check_suite: {
      id: 5005,
      head_branch: "main",
      head_sha: sha,
      status: "completed",
      conclusion,
      app: { name: "Lint Bot", slug: "lint-bot" },
    },
    repository: { full_name: repo, html_url: `https://github.com/${repo}` },
  };
}

/** A GitLab pipeline event. */
export function gitlabPipeline(sha: string, status: string, id = 77): Record<string, unknown> {
  return {
    object_kind: "pipeline",
    object_attributes: { id, ref: "main", tag: false, sha, status, name: null },
    project: { id: 42, path_with_namespace: "acme/api", web_url: "https://gitlab.com/acme/api" },
    builds: [
      { id: 900, name: "package", artifacts_file: { filename: "api.tar.gz", size: 1024 } },
      { id: 901, name: "test", artifacts_file: { filename: null, size: null } },
    ],
  };
}

/** A Jenkins Notification-plugin body with our `repo` field and artifacts. */
export function jenkinsBuild(sha: string, status: string, number = 12): Record<string, unknown> {
  return {
    name: "deploy-pipeline",
    repo: "acme/worker",
    build: {
      number,
      phase: "COMPLETED",
      status,
      full_url: `https://jenkins.example.com/job/deploy-pipeline/${number}/`,
      scm: { url: "https://github.com/acme/worker.git", branch: "origin/main", commit: sha },
      artifacts: [{
        name: "worker.tar.gz",
        url: `https://jenkins.example.com/job/deploy-pipeline/${number}/artifact/worker.tar.gz`,
        digest: "sha256:" + "ab".repeat(32),
      }],
    },
  };
}
