import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";
import { checkSuite, gitlabPipeline, hmacHex, jenkinsBuild, workflowRun } from "./lib/_fixtures.ts";

const dir = new URL(".", import.meta.url).pathname;
const SHA1 = "1111111111111111111111111111111111111111";
const SHA2 = "2222222222222222222222222222222222222222";
const config = {
  github: { webhook_secret: "gh-secret" },
  gitlab: { webhook_token: "gl-token" },
  jenkins: { secret: "jk-secret" },
  artifacts: { secret: "ar-secret" },
  apps: {
    web: { repo: "acme/web", pipelines: ["CI", "Lint Bot"] },
    api: { repo: "acme/api" },
  },
  overrides: [{ app: "web", sha: SHA2.slice(0, 8), reason: "INC-7 hotfix" }],
};

type Plugin = Awaited<ReturnType<typeof startPlugin>>;

async function github(plugin: Plugin, event: string, payload: unknown, secret = "gh-secret") {
  const body = JSON.stringify(payload);
  const res = await plugin.route("POST", "/github", {
    headers: {
      "x-github-event": event,
      "x-hub-signature-256": `sha256=${await hmacHex(secret, body)}`,
    },
    body,
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("ci-pipelines: GitHub runs and suites gate a deployment, with transitions and overrides", async () => {
  await using plugin = await startPlugin(dir, { config });

  // Forged: refused before anything is stored.
  const forged = await github(plugin, "workflow_run", workflowRun({ sha: SHA1 }), "wrong");
  assert.equal(forged.status, 401);
  assert.match(forged.body.error, /X-Hub-Signature-256/);
  assert.equal(
    (await github(plugin, "ping", { repository: { full_name: "acme/web" } })).body.ignored,
    true,
  );

  // Nothing reported yet: denied, naming what is missing.
  let vote = await plugin.gate("deployment.pre_create", { app: "web", sha: SHA1 });
  assert.equal(vote.allow, false);
  assert.match(vote.reason!, /CI has not reported; Lint Bot has not reported/);

  // CI fails: denied with the failing pipeline and its URL; ci.pipeline.failed emitted once.
  await github(plugin, "workflow_run", workflowRun({ sha: SHA1, status: "in_progress" }));
  const failed = await github(
    plugin,
    "workflow_run",
    workflowRun({ sha: SHA1, conclusion: "failure" }),
  );
  assert.deepEqual([failed.status, failed.body.transition], [202, "failed"]);
  await github(plugin, "workflow_run", workflowRun({ sha: SHA1, conclusion: "failure" })); // redelivery
  // A late "in progress" of the same attempt does not undo the result.
  const late = await github(
    plugin,
    "workflow_run",
    workflowRun({ sha: SHA1, status: "in_progress" }),
  );
  assert.equal(late.body.stale, true);
  await github(plugin, "check_suite", checkSuite(SHA1, "success"));
  vote = await plugin.gate("deployment.pre_create", { app: "web", sha: SHA1.slice(0, 10) });
  assert.equal(vote.allow, false);
  assert.equal(
    vote.reason,
    `CI not green for web@${
      SHA1.slice(0, 12)
    }: CI failed (https://github.com/acme/web/actions/runs/1001)`,
  );
  assert.deepEqual(plugin.host.emitted.map((e) => e.type), ["ci.pipeline.failed"]);
  assert.equal(
    (plugin.host.emitted[0]!.data as { url: string }).url,
    "https://github.com/acme/web/actions/runs/1001",
  );

  // Re-run (attempt 2) succeeds: allowed, and ci.pipeline.recovered names the failed run.
  await github(
    plugin,
    "workflow_run",
    workflowRun({ sha: SHA1, conclusion: "success", attempt: 2 }),
  );
  vote = await plugin.gate("deployment.pre_create", { app: "web", sha: SHA1 });
  assert.deepEqual(vote, {
    allow: true,
    reason: `CI green for web@${SHA1.slice(0, 12)}: CI, Lint Bot`,
  });
  const recovered = plugin.host.emitted[1]!;
  assert.equal(recovered.type, "ci.pipeline.recovered");
  assert.equal((recovered.data as { failed: { pipeline_id: number } }).failed.pipeline_id, 1);

  // A red commit on the allow-list goes through, and the override is announced.
  await github(plugin, "workflow_run", workflowRun({ id: 1002, sha: SHA2, conclusion: "failure" }));
  vote = await plugin.gate("deployment.pre_create", { app: "web", sha: SHA2 });
  assert.equal(vote.allow, true);
  assert.match(vote.reason!, /^emergency override: INC-7 hotfix \(CI not green/);
  const overridden = plugin.host.emitted.find((e) => e.type === "ci.gate.overridden");
  assert.equal((overridden?.data as { reason: string }).reason, "INC-7 hotfix");

  // Unknown apps pass by default; a bad sha is refused.
  assert.equal((await plugin.gate("deployment.pre_create", { app: "docs" })).allow, true);
  assert.equal((await plugin.gate("deployment.pre_create", { app: "constructor" })).allow, true);
  assert.match(
    (await plugin.gate("deployment.pre_create", { app: "web", sha: "zz" })).reason!,
    /data\.sha/,
  );

  // A workflow step reports its artifacts itself (signed), linked to its run of the commit.
  const report = JSON.stringify({
    repo: "acme/web",
    sha: SHA1,
    pipeline: "CI",
    artifacts: [{ name: "web.tar.gz", url: "https://example.com/web.tar.gz", digest: "sha256:00" }],
  });
  const reported = await plugin.route("POST", "/artifacts/report", {
    headers: { "x-signature-256": `sha256=${await hmacHex("ar-secret", report)}` },
    body: report,
  });
  assert.equal(reported.status, 201);
  assert.deepEqual(await reported.json(), { recorded: 1, pipeline_id: 1 });
  const unsignedReport = await plugin.route("POST", "/artifacts/report", { body: report });
  assert.equal(unsignedReport.status, 401);
  const badReport = JSON.stringify({ repo: "acme/web", sha: "abc", artifacts: [] });
  const refused = await plugin.route("POST", "/artifacts/report", {
    headers: { "x-signature-256": `sha256=${await hmacHex("ar-secret", badReport)}` },
    body: badReport,
  });
  assert.equal(refused.status, 400);
  assert.match((await refused.json()).error, /sha must be the full commit/);
  const listed = await (await plugin.route("GET", `/artifacts?repo=acme/web&sha=${SHA1}`)).json();
  assert.deepEqual(listed.artifacts.map((a: { name: string }) => a.name), ["web.tar.gz"]);

  // The gates command shows requirements, overrides and the decisions just taken.
  const gates = await plugin.command("gates");
  assert.equal(gates.code, 0);
  assert.match(gates.output, /web\s+acme\/web\s+CI, Lint Bot/);
  assert.match(gates.output, /INC-7 hotfix/);
  assert.match(gates.output, /override\s+emergency override/);
});

Deno.test("ci-pipelines: GitLab and Jenkins pipelines, artifacts, status, retry refusals", async () => {
  await using plugin = await startPlugin(dir, { config });
  const gitlab = async (payload: unknown, token = "gl-token") =>
    await plugin.route("POST", "/gitlab", {
      headers: { "x-gitlab-token": token },
      body: JSON.stringify(payload),
    });
  assert.equal((await gitlab(gitlabPipeline(SHA1, "failed"), "nope")).status, 401);
  assert.equal((await gitlab(gitlabPipeline(SHA1, "running"))).status, 202);
  assert.equal((await gitlab(gitlabPipeline(SHA1, "failed"))).status, 202);
  assert.equal((await gitlab({ object_kind: "pipeline" })).status, 400);

  // "api" requires every reported pipeline: gitlab-ci failed.
  const vote = await plugin.gate("deployment.pre_create", { app: "api", commit: SHA1 });
  assert.equal(vote.allow, false);
  assert.match(
    vote.reason!,
    /gitlab-ci failed \(https:\/\/gitlab\.com\/acme\/api\/-\/pipelines\/77\)/,
  );

  const jenkinsBody = JSON.stringify(jenkinsBuild(SHA2, "SUCCESS"));
  const unsigned = await plugin.route("POST", "/jenkins", { body: jenkinsBody });
  assert.equal(unsigned.status, 401);
  const signed = await plugin.route("POST", "/jenkins", {
    headers: { "x-jenkins-signature": `sha256=${await hmacHex("jk-secret", jenkinsBody)}` },
    body: jenkinsBody,
  });
  assert.equal(signed.status, 202);

  // Artifacts of a commit: by route and by command.
  const res = await plugin.route("GET", `/artifacts?repo=acme/worker&sha=${SHA2.slice(0, 7)}`);
  const { artifacts } = await res.json();
  assert.deepEqual(artifacts.map((a: { name: string; digest: string }) => [a.name, a.digest]), [
    ["worker.tar.gz", "sha256:" + "ab".repeat(32)],
  ]);
  const gl = await (await plugin.route("GET", `/artifacts?repo=acme/api&sha=${SHA1}`)).json();
  assert.deepEqual(gl.artifacts.map((a: { url: string }) => a.url), [
    "https://gitlab.com/acme/api/-/jobs/900/artifacts/download",
  ]);
  assert.equal((await plugin.route("GET", `/artifacts?repo=acme/worker&sha=${SHA1}`)).status, 404);
  const artifact = await plugin.command("artifact", ["acme/worker", SHA2]);
  assert.equal(artifact.code, 0);
  assert.match(artifact.output, /worker\.tar\.gz\s+2222222222\s+sha256:abab/);
  assert.equal((await plugin.command("artifact", ["acme/worker", SHA1])).code, 1);

  // status: lanes of every repo; a repo's recent runs.
  const status = await plugin.command("status");
  assert.match(status.output, /acme\/api\s+main\s+gitlab-ci\s+failed/);
  assert.match(status.output, /acme\/worker\s+main\s+deploy-pipeline\s+success/);
  const one = await plugin.command("status", ["acme/api"]);
  assert.match(one.output, /recent runs of acme\/api/);
  assert.doesNotMatch(one.output, /acme\/worker/);
  const failing = await (await plugin.route("GET", "/failing")).json();
  assert.deepEqual(failing.failing.map((l: { repo: string }) => l.repo), ["acme/api"]);

  // Retry: Jenkins has no API here, a green pipeline needs none, GitLab needs its token.
  const jenkinsRetry = await plugin.command("retry", ["2"]);
  assert.equal(jenkinsRetry.code, 1);
  assert.match(jenkinsRetry.output, /only a failed or cancelled one/);
  const gitlabRetry = await plugin.command("retry", ["1"]);
  assert.equal(gitlabRetry.code, 1);
  assert.match(gitlabRetry.output, /gitlab\.token is not set/);

  // The daily trim keeps each branch's current result, however old, and drops the rest.
  assert.equal((await gitlab(gitlabPipeline(SHA2, "success", 78))).status, 202);
  await plugin.db.execute("UPDATE pipelines SET updated_at = '2020-01-01T00:00:00Z'");
  await plugin.db.execute("UPDATE artifacts SET created_at = '2020-01-01T00:00:00Z'");
  await plugin.cron("trim");
  const left = await plugin.db.execute("SELECT id FROM pipelines ORDER BY id");
  assert.deepEqual(left.rows.map((r) => r.id), [2, 3], "the lanes' runs stay, the failed one goes");
  assert.match(plugin.logs.map((l) => l.msg).join("\n"), /trimmed old pipelines/);
});
