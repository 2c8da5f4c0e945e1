/**
 * Secrets reach a plugin's config without passing through argv (stdin, a file, a prompt that
 * needs a terminal), and webhooks can be enabled, disabled, updated and redelivered by command.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { startReceiver } from "../webhooks/_receiver.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const MAIN = join(REPO, "main.ts");

/** `plugd <args>` with `input` on stdin. */
async function withStdin(input: string, args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  const t = new TextDecoder();
  return { code: out.code, stdout: t.decode(out.stdout), stderr: t.decode(out.stderr) };
}

Deno.test({
  name:
    "plugin config secrets: --secret-stdin, KEY=@FILE, a prompt only on a terminal, a warning for argv",
  sanitizeResources: false,
  async fn() {
    await using d = await startDaemon();
    const cli = (...args: string[]) => runPlugd([...args, "--socket", d.socketPath]);
    assert.equal((await cli("plugin", "install", join(REPO, "plugins/slack-notify"))).code, 0);
    assert.equal((await cli("plugin", "grant", "slack-notify", "--yes")).code, 0);
    const refused = await cli("plugin", "enable", "slack-notify");
    assert.equal(refused.code, 1, "a required secret is missing");

    const noTerminal = await cli("plugin", "config", "slack-notify", "--secret", "webhook_url");
    assert.equal(noTerminal.code, 2);
    assert.match(noTerminal.stderr, /stdin is not a terminal.*--secret-stdin webhook_url/);

    const secret = "https://hooks.slack.com/services/T000/B000/stdin-secret";
    const piped = await withStdin(`${secret}\n`, [
      "plugin",
      "config",
      "slack-notify",
      "--secret-stdin",
      "webhook_url",
      "--socket",
      d.socketPath,
    ]);
    assert.equal(piped.code, 0, piped.stderr);
    assert.doesNotMatch(piped.stderr, /warning/);
    const shown = JSON.parse((await cli("plugin", "config", "slack-notify", "--json")).stdout);
    assert.equal(shown.config.webhook_url, "********");
    assert.equal((await cli("plugin", "enable", "slack-notify")).code, 0, "the secret arrived");

    const file = join(await moduleTempDir("plugd-test-"), "url");
    await Deno.writeTextFile(file, `${secret.replace("stdin", "file")}\n`);
    const fromFile = await cli(
      "plugin",
      "config",
      "slack-notify",
      "--secret",
      `webhook_url=@${file}`,
    );
    assert.equal(fromFile.code, 0, fromFile.stderr);
    const plain = await cli(
      "plugin",
      "config",
      "slack-notify",
      "--secret",
      `webhook_url=${secret}`,
    );
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(
      plain.stderr,
      /warning: --secret webhook_url=… puts the value in the process list/,
    );
    // The secret never shows up in the audit log or the plugin's view.
    const audit = await (await d.fetchSocket("/v1/audit?limit=500")).text();
    assert.ok(!audit.includes("stdin-secret") && !audit.includes("file-secret"));
    assert.equal(
      (await cli("plugin", "config", "slack-notify", "level=@@x")).code,
      1,
      "enum check",
    );
  },
});

Deno.test({
  name: "webhook enable, disable, update and redeliver, without curl",
  sanitizeResources: false,
  async fn() {
    await using receiver = startReceiver();
    await using d = await startDaemon({ env: { PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true" } });
    const cli = (...args: string[]) => runPlugd([...args, "--socket", d.socketPath, "--json"]);
    const added = await cli("webhook", "add", `${receiver.url}/a`, "--event", "deploy.*");
    assert.equal(added.code, 0, added.stderr);
    const id = JSON.parse(added.stdout).id as string;

    const off = JSON.parse((await cli("webhook", "disable", id)).stdout);
    assert.equal(off.enabled, false);
    const on = JSON.parse((await cli("webhook", "enable", id)).stdout);
    assert.equal(on.enabled, true);
    assert.equal(on.consecutive_failures, 0);
    const updated = await cli(
      "webhook",
      "update",
      id,
      `${receiver.url}/b`,
      "--event",
      "x.*",
      "--name",
      "b",
    );
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual(
      [JSON.parse(updated.stdout).url, JSON.parse(updated.stdout).event_types],
      [`${receiver.url}/b`, ["x.*"]],
    );
    const nothing = await cli("webhook", "update", id);
    assert.equal(nothing.code, 2);

    const test = JSON.parse((await cli("webhook", "test", id)).stdout);
    await receiver.waitFor(1);
    const again = await cli("webhook", "redeliver", id, test.delivery_id);
    assert.equal(again.code, 0, again.stderr);
    await receiver.waitFor(2);
    const [first, second] = receiver.received;
    assert.equal(second!.headers.get("webhook-id"), first!.headers.get("webhook-id"));
    assert.equal(second!.body, first!.body);
    const unknown = await cli("webhook", "redeliver", id, "msg_nope");
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /has no delivery msg_nope.*\(HTTP 404\)/);
    await cli("webhook", "disable", id);
    const disabled = await cli("webhook", "redeliver", id, test.delivery_id);
    assert.match(disabled.stderr, /is disabled.*plugd webhook enable/);
  },
});

/** Runs `plugd <args>` on a real terminal (util-linux `script`), answering `prompt` with `answer`. */
async function onTerminal(args: string[], prompt: string, answer: string) {
  const command = [Deno.execPath(), "run", "-A", MAIN, ...args].map((a) => `'${a}'`).join(" ");
  const child = new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let seen = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  while (!seen.includes(prompt)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`${answer}\r`));
  for (let r = await reader.read(); !r.done; r = await reader.read()) seen += r.value;
  await writer.close().catch(() => {});
  const { code } = await child.status;
  await child.stderr.cancel();
  return { code, output: seen };
}

Deno.test({
  name: "on a terminal: grant asks y/N, a secret is asked for without echo",
  ignore: !Deno.statSync("/usr/bin/script").isFile,
  sanitizeResources: false,
  async fn() {
    await using d = await startDaemon();
    const socket = ["--socket", d.socketPath];
    assert.equal(
      (await runPlugd(["plugin", "install", join(REPO, "plugins/slack-notify"), ...socket])).code,
      0,
    );
    const grant = await onTerminal(["plugin", "grant", "slack-notify", ...socket], "[y/N]", "y");
    assert.equal(grant.code, 0, grant.output);
    assert.match(grant.output, /Grant these permissions\? \[y\/N\]/);
    const secret = "https://hooks.slack.com/services/T000/B000/typed-secret";
    const typed = await onTerminal(
      ["plugin", "config", "slack-notify", "--secret", "webhook_url", ...socket],
      "(not shown): ",
      secret,
    );
    assert.equal(typed.code, 0, typed.output);
    assert.ok(!typed.output.includes("typed-secret"), `the secret was echoed: ${typed.output}`);
    assert.equal((await runPlugd(["plugin", "enable", "slack-notify", ...socket])).code, 0);
  },
});
