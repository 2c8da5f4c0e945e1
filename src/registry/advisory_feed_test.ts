import assert from "node:assert/strict";
import { generateKeyPair } from "../signing/mod.ts";
import {
  type AdvisoryEntry,
  type AdvisoryFeed,
  AdvisoryFeedError,
  type ChainedEntry,
  entryHash,
  FEED_GENESIS,
  signFeed,
  verifyFeed,
} from "./advisory_feed.ts";

async function chain(count: number): Promise<ChainedEntry[]> {
  const out: ChainedEntry[] = [];
  let prev = FEED_GENESIS;
  for (let seq = 1; seq <= count; seq++) {
    const entry: AdvisoryEntry = {
      seq,
      id: `ADV-${seq}`,
      plugin: "acme-x",
      versions: "<2.0.0",
      severity: "high",
      action: "disable",
      title: `t${seq}`,
      description: "d",
      fixed_in: null,
      url: null,
      withdraws: null,
      published_at: "2026-01-01T00:00:00Z",
      prev,
    };
    const hash = await entryHash(entry);
    out.push({ ...entry, hash });
    prev = hash;
  }
  return out;
}

function feedOf(keyId: string, advisories: ChainedEntry[]): AdvisoryFeed {
  return {
    format: 1,
    key_id: keyId,
    seq: advisories.length,
    head: advisories.at(-1)?.hash ?? FEED_GENESIS,
    generated_at: new Date().toISOString(),
    advisories,
  };
}

async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof AdvisoryFeedError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

Deno.test("verifyFeed() accepts a signed chain and moves forward only", async () => {
  const { privateFile: key } = await generateKeyPair();
  const entries = await chain(3);
  const two = await signFeed(feedOf(key.id, entries.slice(0, 2)), key);
  const three = await signFeed(feedOf(key.id, entries), key);
  const accepted = await verifyFeed(two, key.public);
  assert.equal(accepted.seq, 2);
  const position = { seq: 2, head: accepted.head };
  assert.equal((await verifyFeed(three, key.public, position)).seq, 3);
  await refused(verifyFeed(two, key.public, { seq: 3, head: entries[2]!.hash }), "replayed");
  assert.equal((await verifyFeed(two, key.public, position)).seq, 2, "the same feed again is fine");
});

Deno.test("verifyFeed() refuses unsigned, forged, foreign-key, broken and rewritten feeds", async () => {
  const { privateFile: key } = await generateKeyPair();
  const { privateFile: other } = await generateKeyPair();
  const entries = await chain(2);
  const good = await signFeed(feedOf(key.id, entries), key);
  await refused(verifyFeed(JSON.parse(good.feed), key.public), "unsigned");
  await refused(verifyFeed({ ...good, sig: undefined }, key.public), "unsigned");
  const tampered = good.feed.replace('"t2"', '"harmless"');
  await refused(verifyFeed({ ...good, feed: tampered }, key.public), "bad_signature");
  await refused(
    verifyFeed(await signFeed(feedOf(other.id, entries), other), key.public),
    "wrong_key",
  );
  const forgedKeyId = { ...(await signFeed(feedOf(key.id, entries), other)), key_id: key.id };
  await refused(verifyFeed(forgedKeyId, key.public), "bad_signature");
  const broken = [entries[0]!, { ...entries[1]!, title: "changed" }];
  await refused(
    verifyFeed(await signFeed(feedOf(key.id, broken), key), key.public),
    "broken_chain",
  );
  const rewritten = await chain(2);
  rewritten[0] = { ...rewritten[0]!, title: "other" };
  rewritten[0].hash = await entryHash(rewritten[0]);
  rewritten[1] = { ...rewritten[1]!, prev: rewritten[0].hash };
  rewritten[1].hash = await entryHash(rewritten[1]);
  await refused(
    verifyFeed(await signFeed(feedOf(key.id, rewritten), key), key.public, {
      seq: 1,
      head: entries[0]!.hash,
    }),
    "rewritten",
  );
});
