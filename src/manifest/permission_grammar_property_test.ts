// The manifest validator and the grant check share one permission grammar (src/permissions): for
// any entry, a manifest accepts it exactly when it is grantable on a host whose state dir, protected
// paths and port it does not touch. Every difference must be explained by such a host fact.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  grantProblems,
  isWithin,
  KIND_NAMES,
  parseNetEntry,
  PERMISSION_KINDS,
} from "../permissions/mod.ts";
import type { HostPaths, PermissionKind } from "../permissions/mod.ts";
import { ManifestError } from "./errors.ts";
import { validateManifest } from "./validate_manifest.ts";
import { minimal } from "./_testing.ts";

const HOST: HostPaths = {
  stateDir: "/srv/state",
  forbiddenPaths: ["/srv/run/plugd.sock", "/home/ops/plugd"],
  daemonPort: 7420,
};

const segment = fc.constantFrom("a", "b", "x1", "..", ".", "", "state", "plugd", "run", "ssl");
const absolute = fc.array(segment, { minLength: 0, maxLength: 4 }).chain((parts) =>
  fc.constantFrom("/", "/srv/", "/etc/", "/var/lib/", "/tmp/", "/home/ops/", "/data/", "/proc/")
    .map((root) => (root + parts.join("/")))
);
const path = fc.oneof(
  absolute,
  fc.tuple(
    fc.constantFrom("$PLUGIN", "$DATA", "$TMP", "$HOME", "$PLUGINS", "~"),
    absolute,
    fc.boolean(),
  )
    .map(([variable, rest, alone]) => alone ? variable : variable + rest),
  fc.string({ maxLength: 8 }),
);
const host = fc.oneof(
  fc.constantFrom(
    "api.example.com",
    "API.example.com",
    "localhost",
    "app.localhost",
    "127.0.0.1",
    "127.1",
    "10.1.2.3",
    "0.0.0.0",
    "[::1]",
    "[2001:db8::1]",
    "[::ffff:127.0.0.1]",
    "*.example.com",
    "a_b.com",
    "db.internal",
    "unix:/x",
    "https://x.com",
    "u@x.com",
    "2130706433",
  ),
  fc.domain(),
  fc.string({ maxLength: 10 }),
);
const port = fc.constantFrom("", ":443", ":7420", ":8080", ":0", ":65536", ":x");
/** Kinds written under `permissions:` (`ui`, `public` and `privileged` come from other keys). */
type WrittenKind = Exclude<PermissionKind, "ui" | "public" | "privileged">;
const WRITTEN = KIND_NAMES.filter((k): k is WrittenKind => !PERMISSION_KINDS[k].derivedFrom);

const ENTRIES: Record<WrittenKind, fc.Arbitrary<string>> = {
  net: fc.tuple(host, port).map(([h, p]) => h + p),
  read: path,
  write: path,
  run: path,
  env: fc.oneof(
    fc.constantFrom("TZ", "HTTPS_PROXY", "LD_PRELOAD", "PLUGD_X", "deno_dir", "A*", "1X", "_"),
    fc.string({ maxLength: 8 }),
  ),
  sys: fc.oneof(
    fc.constantFrom("hostname", "userInfo", "uid", "kernel", "Hostname"),
    fc.string({ maxLength: 8 }),
  ),
  emit: fc.oneof(
    fc.constantFrom("slack.*", "slack.sent", "plugin.*", "plugin", "*", "foo*", "a-b.c", "A.b"),
    fc.string({ maxLength: 8 }),
  ),
  db: fc.oneof(
    fc.constantFrom("100MiB", "2GiB", "64GiB", "65GiB", "0MiB", "10MB", "1.5GiB", "100mib"),
    fc.string({ maxLength: 8 }),
  ),
};

/** The independent oracle: does `entry` touch a fact of HOST (its paths or its port)? */
function touchesHost(kind: PermissionKind, entry: string): boolean {
  if (kind === "net") {
    try {
      return parseNetEntry(entry).port === HOST.daemonPort;
    } catch {
      return false;
    }
  }
  if (!["read", "write", "run"].includes(kind) || !entry.startsWith("/")) return false;
  return [HOST.stateDir, ...HOST.forbiddenPaths].some((p) =>
    isWithin(entry, p) || isWithin(p, entry)
  );
}

function manifestAccepts(kind: PermissionKind, entry: string): boolean {
  try {
    validateManifest(minimal({ permissions: { [kind]: [entry] } }));
    return true;
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    assert.ok(error.problems.every((p) => p.field.startsWith(`permissions.${kind}`)));
    return false;
  }
}

Deno.test("manifest validation and grantProblems() agree on random entries", () => {
  const seen = { valid: 0, hostOnly: 0, invalid: 0 };
  fc.assert(
    fc.property(
      fc.constantFrom(...WRITTEN).chain((kind) =>
        ENTRIES[kind].map((entry) => [kind, entry] as const)
      ),
      ([kind, entry]) => {
        const valid = manifestAccepts(kind, entry);
        const grantable = grantProblems({ [kind]: [entry] }, HOST).length === 0;
        const hostFact = touchesHost(kind, entry);
        assert.equal(grantable, valid && !hostFact, `${kind}: ${JSON.stringify(entry)}`);
        if (!valid) seen.invalid++;
        else if (hostFact) seen.hostOnly++;
        else seen.valid++;
      },
    ),
    { numRuns: 3000 },
  );
  // The generators reach all three outcomes, so the property says something about each. The runs
  // are random: a bound near the mean (hostOnly averages ~30 of 3,000) would fail now and then.
  for (const [outcome, n] of Object.entries(seen)) assert.ok(n >= 5, `${outcome}: only ${n}`);
});

Deno.test("derived kinds are refused under permissions: and come from their own keys", () => {
  assert.equal(WRITTEN.length, KIND_NAMES.length - 3);
  for (const kind of ["ui", "public"]) {
    assert.equal(manifestAccepts(kind as PermissionKind, "x"), false);
  }
  assert.equal(manifestAccepts("privileged", "root"), false);
});
