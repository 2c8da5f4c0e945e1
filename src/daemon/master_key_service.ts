/** The daemon's master key: opened at start, rotated through `/v1/master-key/rotate`. */
import { createMasterKeyRoutes } from "../api/mod.ts";
import type { Config } from "../config/mod.ts";
import { openMasterKey, readKeyCheck, rotateMasterKey, type RotationStep } from "../keyring/mod.ts";
import type { MasterKeyHolder } from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";
import type { DaemonLog, DaemonService } from "./daemon.ts";

/**
 * Test-only crash points: `PLUGD_TEST_CRASH_AT_ROTATION=<step>` makes the daemon SIGKILL
 * itself when a rotation reaches that step (tests/operator/key_rotation_test.ts proves the
 * recovery at each step). Unset in production: then nothing happens.
 */
function crashPoint(env: Record<string, string | undefined>): (step: RotationStep) => void {
  const at = env.PLUGD_TEST_CRASH_AT_ROTATION;
  return (step) => {
    if (at === step) Deno.kill(Deno.pid, "SIGKILL");
  };
}

/** Opens the master key and returns it with its route group. */
export async function createMasterKeyService(ctx: {
  config: Config;
  store: Store;
  log: DaemonLog;
  env?: Record<string, string | undefined>;
}): Promise<{ holder: MasterKeyHolder; service: DaemonService }> {
  const { config, store, log } = ctx;
  const env = ctx.env ?? safeEnv();
  const opened = await openMasterKey({
    store,
    keyFile: config.masterKeyFile,
    stateDir: config.stateDir,
    log,
  });
  const { holder } = opened;
  log(`master key ${opened.keyId} (${config.masterKeyFile})`);
  const routes = createMasterKeyRoutes({
    info: async () => {
      const check = await readKeyCheck(store);
      return {
        key_id: check?.keyId ?? opened.keyId,
        key_file: config.masterKeyFile,
        rotated_at: check?.rotatedAt ?? null,
      };
    },
    rotate: async (actor) => {
      const result = await rotateMasterKey({
        store,
        holder,
        keyFile: config.masterKeyFile,
        stateDir: config.stateDir,
        actor,
        onStep: crashPoint(env),
      });
      log(
        `master key rotated: ${result.previous_key_id} -> ${result.key_id}, ` +
          `${result.secrets} secrets re-sealed` +
          (result.installed ? "" : `; INSTALL ${result.key_file} as ${config.masterKeyFile}`),
      );
      return result;
    },
  });
  return { holder, service: { routes } };
}

function safeEnv(): Record<string, string | undefined> {
  try {
    return Deno.env.toObject();
  } catch {
    return {};
  }
}
