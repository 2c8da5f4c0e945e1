/**
 * ci-pipelines end to end: the real daemon, the plugin installed, granted and enabled under the
 * real sandbox, GitHub/GitLab/Jenkins webhooks sent with real `curl` to its public routes, the
 * deployment gate asked through /v1/gates, its events read back from the daemon, its commands
 * run with the real CLI, and retries sent to a local stand-in of the provider APIs (the only host
 * its net grant names; another port of the same host stays out of reach).
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { installAndEnable, OPTS, socketJson, tcpJson, waitFor } from "../surfaces/_surfaces.ts";
import {
  curlPost,
  githubHeaders,
  gitlabPipeline,
  hmacHex,
  jenkinsBuild,
  pluginFor,
  startStandInApi,
  workflowRun,
} from "./_ci_pipelines.ts";

const SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const SHA_JENKINS = "feedfacefeedfacefeedfacefeedfacefeedface";

Deno.test(
  "ci-pipelines in the real daemon: webhooks, gate, events, commands, retry",
  OPTS,
  async () => {
    await using api = startStandInApi();
    await using elsewhere = startStandInApi();
    const config = {
      github: { webhook_secret: "gh-secret", token: "ghp_test", api_url: api.url },
      gitlab: { webhook_token: "gl-token", token: "glpat-test", api_url: api.url },
      jenkins: { secret: "jk-secret" },
      apps: { web: { repo: "acme/web", pipelines: ["CI"] } },
    };
    await using receiver = startStandInApi();
    await using daemon = await startDaemon({ env: { PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true" } });
    const hook = await socketJson(daemon, "POST", "/v1/webhooks", {
      url: `${receiver.url}/receiver`,
      event_types: ["ci.*"],
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const view = await installAndEnable(daemon, await pluginFor(`127.0.0.1:${api.port}`), config);
    const kinds = view.permissions.risks.map((r: { kind: string; value: string }) =>
      `${r.kind}:${r.value}`
    );
    for (const route of ["POST /github", "POST /gitlab", "POST /jenkins"]) {
      assert.ok(kinds.includes(`public:${route}`), kinds.join(" "));
    }
    const hooks = `${daemon.baseUrl}/hooks/ci-pipelines`;
    const env = { PLUGD_SOCKET: daemon.socketPath };
    const gate = async (data: unknown) =>
      (await socketJson(daemon, "POST", "/v1/gates/deployment.pre_create", { data })).body;

    // 1. GitHub: a forged delivery is refused; a signed failure is stored and gates the commit.
    const failure = JSON.stringify(
      workflowRun({ repo: "acme/web", sha: SHA, conclusion: "failure" }),
    );
    const forged = await curlPost(
      `${hooks}/github`,
      await githubHeaders("other", "workflow_run", failure),
      failure,
    );
    assert.equal(forged.status, 401);
    const failed = await curlPost(
      `${hooks}/github`,
      await githubHeaders("gh-secret", "workflow_run", failure),
      failure,
    );
    assert.equal(failed.status, 202, JSON.stringify(failed.body));
    assert.equal(failed.body.transition, "failed");
    const denied = await gate({ app: "web", sha: SHA });
    assert.equal(denied.allowed, false);
    assert.deepEqual(denied.votes[0].plugin, "ci-pipelines");
    assert.match(
      denied.votes[0].reason,
      /CI failed \(https:\/\/github\.com\/acme\/web\/actions\/runs\/1001\)/,
    );

    // 2. The failure is an event in the daemon, with the pipeline and its URL.
    const events =
      (await socketJson(daemon, "GET", "/v1/events?type=ci.pipeline.failed")).body.events;
    assert.equal(events.length, 1);
    assert.equal(events[0].source, "/plugins/ci-pipelines");
    const event = (await socketJson(daemon, "GET", `/v1/events/${events[0].id}`)).body.event;
    assert.equal(event.data.url, "https://github.com/acme/web/actions/runs/1001");
    assert.equal(event.data.sha, SHA);
    // ... and an outgoing webhook subscribed to ci.* carries it (Standard Webhooks signed).
    const delivered = await waitFor(
      () => receiver.calls.find((c) => JSON.parse(c.body).type === "ci.pipeline.failed"),
      "the webhook delivery of ci.pipeline.failed",
    );
    assert.match(delivered.headers["webhook-signature"] ?? "", /^v1,/);
    assert.equal(JSON.parse(delivered.body).data.url, event.data.url);

    // 3. Retry through the CLI: one POST to the granted API with the token, nothing elsewhere.
    const pipelineId = String(failed.body.pipeline);
    const retried = await runPlugd(["ci-pipelines", "retry", pipelineId], env);
    assert.equal(retried.code, 0, retried.stdout + retried.stderr);
    assert.match(retried.stdout, /asked github to retry acme\/web CI/);
    assert.deepEqual(api.calls.map((c) => `${c.method} ${c.path}`), [
      "POST /repos/acme/web/actions/runs/1001/rerun-failed-jobs",
    ]);
    assert.equal(api.calls[0]!.headers.authorization, "Bearer ghp_test");
    const moved = await socketJson(daemon, "PUT", "/v1/plugins/ci-pipelines/config", {
      ...config,
      github: { ...config.github, api_url: elsewhere.url },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const outside = await runPlugd(["ci-pipelines", "retry", pipelineId], env);
    assert.notEqual(outside.code, 0, "a host the grant does not name is out of reach");
    assert.match(outside.stdout, /cannot retry: .*(net access|NotCapable)/i, outside.stdout);
    assert.equal(elsewhere.calls.length, 0);
    await socketJson(daemon, "PUT", "/v1/plugins/ci-pipelines/config", config);

    // 4. The re-run succeeds: the gate allows, and the recovery is an event.
    const success = JSON.stringify(
      workflowRun({ repo: "acme/web", sha: SHA, conclusion: "success", attempt: 2 }),
    );
    const ok = await curlPost(
      `${hooks}/github`,
      await githubHeaders("gh-secret", "workflow_run", success),
      success,
    );
    assert.equal(ok.body.transition, "recovered");
    const allowed = await gate({ app: "web", sha: SHA.slice(0, 7) });
    assert.equal(allowed.allowed, true, JSON.stringify(allowed));
    const recovered =
      (await socketJson(daemon, "GET", "/v1/events?type=ci.pipeline.recovered")).body.events;
    assert.equal(recovered.length, 1);

    // 5. GitLab (X-Gitlab-Token) and its retry with PRIVATE-TOKEN.
    const gl = JSON.stringify(gitlabPipeline(SHA, "failed"));
    assert.equal((await curlPost(`${hooks}/gitlab`, { "x-gitlab-token": "bad" }, gl)).status, 401);
    const glFailed = await curlPost(`${hooks}/gitlab`, {
      "x-gitlab-token": "gl-token",
      "x-gitlab-event": "Pipeline Hook",
    }, gl);
    assert.equal(glFailed.status, 202);
    const glRetry = await tcpJson(
      daemon,
      "POST",
      `/v1/plugins/ci-pipelines/routes/pipelines/${glFailed.body.pipeline}/retry`,
    );
    assert.equal(glRetry.status, 200, JSON.stringify(glRetry.body));
    assert.equal(api.calls.at(-1)!.path, "/projects/42/pipelines/77/retry");
    assert.equal(api.calls.at(-1)!.headers["private-token"], "glpat-test");

    // 6. Jenkins (HMAC) with an artifact: by route (reader token) and by command.
    const jk = JSON.stringify(jenkinsBuild(SHA_JENKINS, "SUCCESS"));
    const signature = `sha256=${await hmacHex("jk-secret", jk)}`;
    assert.equal((await curlPost(`${hooks}/jenkins`, {}, jk)).status, 401);
    assert.equal(
      (await curlPost(`${hooks}/jenkins`, { "x-jenkins-signature": signature }, jk)).status,
      202,
    );
    const reader = await socketJson(daemon, "POST", "/v1/tokens", {
      scope: "reader",
      name: "deployer",
    });
    const artifacts = await tcpJson(
      daemon,
      "GET",
      `/v1/plugins/ci-pipelines/routes/artifacts?repo=acme/worker&sha=${SHA_JENKINS}`,
      undefined,
      reader.body.token,
    );
    assert.equal(artifacts.status, 200, JSON.stringify(artifacts.body));
    assert.equal(
      artifacts.body.artifacts[0].url,
      "https://jenkins.example.com/job/deploy-pipeline/12/artifact/worker.tar.gz",
    );
    const artifact = await runPlugd([
      "ci-pipelines",
      "artifact",
      "acme/worker",
      SHA_JENKINS.slice(0, 8),
    ], env);
    assert.equal(artifact.code, 0, artifact.stderr);
    assert.match(artifact.stdout, /worker\.tar\.gz\s+feedfacefe\s+sha256:abab/);

    // 7. status and gates commands.
    const status = await runPlugd(["ci-pipelines", "status"], env);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /acme\/web\s+main\s+CI\s+success/);
    assert.match(status.stdout, /acme\/api\s+main\s+gitlab-ci\s+failed/);
    assert.match(status.stdout, /acme\/worker\s+main\s+deploy-pipeline\s+success/);
    const gates = await runPlugd(["ci-pipelines", "gates"], env);
    assert.equal(gates.code, 0, gates.stderr);
    assert.match(gates.stdout, /web\s+acme\/web\s+CI/);
    assert.match(gates.stdout, /deny\s+CI not green for web@a1b2c3d4e5f6: CI failed/);
  },
);
