/**
 * Audit that leaves the box: filters on GET /v1/audit, refused requests audited (rate-limited),
 * and export to a rotated JSON-lines file, syslog (UDP and TCP) and journald — each line with its
 * chain hash, verified by the external script, which fails after one line is tampered with.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";

const VERIFIER = new URL("../../scripts/verify-audit-export.mjs", import.meta.url).pathname;
const RECEIVER = new URL("./_journald_receiver.ts", import.meta.url).pathname;
const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;

/** Runs the external verifier as an operator would: node if present, else deno. */
async function verify(files: string[]): Promise<{ code: number; out: string }> {
  const node = await new Deno.Command("node", { args: ["--version"], stdout: "null" }).output()
    .then((o) => o.success).catch(() => false);
  const cmd = node
    ? new Deno.Command("node", { args: [VERIFIER, ...files], stdout: "piped", stderr: "piped" })
    : new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", VERIFIER, ...files],
      stdout: "piped",
      stderr: "piped",
    });
  const o = await cmd.output();
  const text = new TextDecoder();
  return { code: o.code, out: text.decode(o.stdout) + text.decode(o.stderr) };
}

async function json(d: TestDaemon, path: string, init: RequestInit = {}) {
  const res = await d.fetch(path, init);
  return { status: res.status, body: await res.json() };
}

async function head(d: TestDaemon): Promise<number> {
  return (await json(d, "/v1/audit?verify=true")).body.head?.seq ?? 0;
}

Deno.test(
  "audit export: file (rotated), syslog udp+tcp and journald carry a verifiable chain",
  OPTS,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "plugd-audit-export-" });
    const udpLines: string[] = [];
    const udp = dgram.createSocket("udp4");
    udp.on("message", (m) => udpLines.push(new TextDecoder().decode(m)));
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", () => r()));
    const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let tcpText = "";
    const tcpDone = (async () => {
      for await (const conn of tcp) {
        for await (const chunk of conn.readable) tcpText += new TextDecoder().decode(chunk);
      }
    })().catch(() => {});
    const journalSocket = join(dir, "journal.sock");
    const journald = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--unstable-net", RECEIVER, journalSocket],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let journalText = "";
    const journalPump = (async () => {
      for await (const c of journald.stdout) journalText += new TextDecoder().decode(c);
    })();
    await waitFor(() => journalText.includes("listening"), "the journald stand-in");

    const file = join(dir, "export", "audit.jsonl");
    const targets = [
      `file:${file}`,
      `syslog+udp://127.0.0.1:${(udp.address() as { port: number }).port}`,
      `syslog+tcp://127.0.0.1:${(tcp.addr as Deno.NetAddr).port}`,
      `journald:${journalSocket}`,
    ];
    const d = await startDaemon({
      denoFlags: ["--unstable-net"],
      env: { PLUGD_AUDIT_EXPORT: targets.join(","), PLUGD_AUDIT_EXPORT_MAX_BYTES: "4096" },
    });
    try {
      for (let i = 0; i < 25; i++) {
        const r = await d.fetch("/v1/tokens", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ scope: "reader", name: `export-${i}` }),
        });
        assert.equal(r.status, 201);
        await r.body?.cancel();
      }
      const rows = await head(d);
      assert.ok(rows >= 25);
      const exported = async () => {
        const names = (await Array.fromAsync(Deno.readDir(join(dir, "export")))).map((e) => e.name);
        const ordered = names.filter((n) => n !== "audit.jsonl")
          .sort((a, b) => Number(b.split(".").pop()) - Number(a.split(".").pop()))
          .concat("audit.jsonl").map((n) => join(dir, "export", n));
        const text = (await Promise.all(ordered.map((f) => Deno.readTextFile(f)))).join("");
        return text.trim().split("\n").length >= rows ? ordered : null;
      };
      const files = await waitFor(exported, "the file export to catch up");
      assert.ok(files.length >= 2, `rotated at 4 KiB: ${files.join(" ")}`);
      const ok = await verify(files);
      assert.equal(ok.code, 0, ok.out);
      assert.match(ok.out, new RegExp(`intact: ${rows} rows, seq 1\\.\\.${rows}`));

      // Tamper with one exported line: the verifier fails and names it.
      const victim = files.at(-1)!;
      const lines = (await Deno.readTextFile(victim)).trim().split("\n");
      const row = JSON.parse(lines[0]!);
      row.actor = "token:someone-else";
      const tampered = join(dir, "tampered.jsonl");
      await Deno.writeTextFile(
        tampered,
        [JSON.stringify(row), ...lines.slice(1)].join("\n") + "\n",
      );
      const bad = await verify([...files.slice(0, -1), tampered]);
      assert.equal(bad.code, 1, bad.out);
      assert.match(
        bad.out,
        new RegExp(`BROKEN at .*tampered\\.jsonl:1 \\(seq ${row.seq}\\): .*altered`),
      );
      // A deleted line is found as well.
      await Deno.writeTextFile(tampered, lines.slice(1).join("\n") + "\n");
      const gap = await verify([...files.slice(0, -1), tampered]);
      assert.equal(gap.code, 1);
      assert.match(gap.out, /missing|prev_hash/);

      // Syslog: RFC 5424 with the chain in structured data; the same verifier reads the lines.
      await waitFor(() => udpLines.length >= rows && tcpText.length > 0, "syslog messages");
      assert.match(
        udpLines[0]!,
        /^<(109|108)>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ plugd \d+ audit \[plugd@32473 seq="1" hash="[0-9a-f]{64}" prev_hash="0{64}" action="[^"]+" result="[^"]+"\] \uFEFF\{/,
      );
      const syslogFile = join(dir, "syslog.log");
      await Deno.writeTextFile(syslogFile, udpLines.slice(0, rows).join("\n") + "\n");
      assert.equal((await verify([syslogFile])).code, 0);
      // TCP: octet-counted frames (RFC 6587): "LEN SP MSG", back to back.
      const bytes = new TextEncoder().encode(tcpText);
      const space = bytes.indexOf(0x20);
      const length = Number(new TextDecoder().decode(bytes.subarray(0, space)));
      const first = new TextDecoder().decode(bytes.subarray(space + 1, space + 1 + length));
      assert.match(first, /^<\d+>1 .* \[plugd@32473 seq="1" /);
      assert.ok(first.endsWith("}"), first.slice(-40));

      // journald: MESSAGE is the export line, the chain in its own fields.
      await waitFor(() => journalText.split("\n").length > rows, "journal entries");
      const entry = JSON.parse(journalText.split("\n")[1]!);
      assert.equal(entry.SYSLOG_IDENTIFIER, "plugd");
      assert.equal(entry.PLUGD_AUDIT_SEQ, "1");
      assert.equal(JSON.parse(entry.MESSAGE).hash, entry.PLUGD_AUDIT_HASH);
    } finally {
      await d.stop();
      journald.kill();
      await journald.status;
      await journalPump.catch(() => {});
      udp.close();
      tcp.close();
      await tcpDone;
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "refused requests are audited (rate-limited) and GET /v1/audit filters",
  OPTS,
  async () => {
    await using d = await startDaemon();
    const reader = await json(d, "/v1/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scope: "reader", name: "r" }),
    });
    const as = (token: string | null, path: string) =>
      fetch(`${d.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
        .then((r) => r.body?.cancel());
    await as(null, "/v1/plugins"); // 401, no token
    await as(reader.body.token, "/v1/tokens"); // 403, reader on an admin route
    const refused = await waitFor(async () => {
      const r = (await json(d, "/v1/audit?action=api.refused")).body.rows;
      return r.length >= 2 ? r : null;
    }, "two refusals in the audit log");
    assert.equal(refused[0].actor, "anonymous");
    assert.equal(refused[0].target, "GET /v1/plugins");
    assert.equal(refused[0].result, "denied");
    assert.equal(refused[0].detail.status, 401);
    assert.equal(refused[0].detail.remote, "127.0.0.1");
    assert.equal(refused[1].actor, `token:${reader.body.id}`);
    assert.equal(refused[1].detail.status, 403);
    assert.match(refused[1].detail.reason, /scope "admin"/);

    // A scan of 200 bad requests: a bounded number of rows, and the count of the skipped ones.
    await Promise.all(Array.from({ length: 200 }, () => as("plugd_000000000000_x", "/v1/plugins")));
    await new Promise((r) => setTimeout(r, 1200)); // let the bucket refill for one more row
    // The last refusal has a target of its own: once its row is in, every earlier one is (the
    // audit log is written in order), so the count is complete however slow the machine is.
    await as(null, "/v1/webhooks");
    const all = await waitFor(async () => {
      const r = (await json(d, "/v1/audit?action=api.refused&limit=1000")).body.rows;
      return r.some((x: { target: string }) => x.target === "GET /v1/webhooks") ? r : null;
    }, "the last refusal's row");
    assert.ok(all.some((x: { detail: { suppressed?: number } }) => x.detail.suppressed));
    assert.ok(all.length < 60, `${all.length} rows for 203 refusals`);
    const suppressed = all.reduce(
      (n: number, x: { detail: { suppressed?: number } }) => n + (x.detail.suppressed ?? 0),
      0,
    );
    assert.ok(all.length + suppressed >= 200, `${all.length} + ${suppressed}`);

    // Filters: actor (exact and prefix), action prefix, result, since/until, and a bad time.
    const byActor = (await json(d, `/v1/audit?actor=token:${reader.body.id}`)).body.rows;
    assert.ok(
      byActor.length >= 1 &&
        byActor.every((r: { actor: string }) => r.actor === `token:${reader.body.id}`),
    );
    const tokenPrefix = (await json(d, "/v1/audit?actor=token:*&action=token.*")).body.rows;
    assert.ok(tokenPrefix.length >= 1);
    assert.ok(tokenPrefix.every((r: { action: string }) => r.action.startsWith("token.")));
    const denied = (await json(d, "/v1/audit?result=denied&limit=1000")).body.rows;
    assert.equal(denied.length, all.length);
    const first = refused[0].ts;
    const since = (await json(d, `/v1/audit?since=${first}&until=${first}`)).body.rows;
    assert.equal(since.length, 0, "until is exclusive");
    const later = (await json(d, `/v1/audit?target=GET%20/v1/tokens&since=${first}`)).body.rows;
    assert.ok(later.length >= 1);
    const bad = await json(d, "/v1/audit?since=yesterday");
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /ISO 8601/);
  },
);
