/**
 * The converger of one host: reconciles each plugin of the desired state (one at a time, in
 * the order changes arrive), writes its status back, removes what the fleet no longer
 * declares here, and takes its turn in rollouts.
 */
import type { FleetSettings } from "../config/mod.ts";
import { NotFoundError, type PluginRecord } from "../plugins/mod.ts";
import {
  configHash,
  ConvergeError,
  convergePlugin,
  desiredConfig,
  FLEET_ACTOR,
  type FleetPlugins,
  isConverged,
} from "./converge.ts";
import type { FleetMirror } from "./fleet_mirror.ts";
import type { ManagedPlugins } from "./managed_plugins.ts";
import { CheckedPackages } from "./checked_packages.ts";
import { type CheckContext, registrySource } from "./package_check.ts";
import { rolloutGate } from "./rollout_gate.ts";
import { resolveSecrets } from "./secrets.ts";
import { selects } from "./targeting.ts";
import type { DesiredEntry } from "./types.ts";
import { handInstalled, type StatusWriter, writeHostStatus } from "./host_status.ts";

export type { StatusWriter };

/** What the agent needs. */
export interface HostAgentDeps {
  settings: FleetSettings;
  mirror: FleetMirror;
  plugins: FleetPlugins;
  managed: ManagedPlugins;
  check: CheckContext;
  writeStatus: StatusWriter;
  log: (message: string) => void;
  /** Counts outcomes for /metrics. */
  count: (result: "converged" | "failed" | "removed") => void;
  env?: (name: string) => string | undefined;
}

/** Reconciles the desired state on this host. */
export class HostAgent {
  #d: HostAgentDeps;
  #dirty = new Set<string>();
  #running: Promise<void> | null = null;
  #active = false;
  /** When earlier waves of a rollout were first seen done, by plan id and attempt. */
  #readySince = new Map<string, number>();
  #packages: CheckedPackages;
  #ticks = 0;

  constructor(deps: HostAgentDeps) {
    this.#d = deps;
    this.#packages = new CheckedPackages(deps.check);
  }

  /** Starts (or resumes, after a reconnect) reconciling; everything is looked at again. */
  async activate(): Promise<void> {
    this.#active = true;
    for (const id of this.#d.mirror.desired.keys()) this.#dirty.add(id);
    for (const id of (await this.#d.managed.all()).keys()) this.#dirty.add(id);
    this.#kick();
  }

  /** Stops acting (NATS is gone): plugins keep running as they are. */
  deactivate(): void {
    this.#active = false;
  }

  /** Marks a plugin for reconciliation. */
  touch(pluginId: string): void {
    this.#dirty.add(pluginId);
    this.#kick();
  }

  /**
   * Re-evaluates plugins whose rollout waits (pauses end, hosts go offline) every tick, and every
   * desired plugin every fifth tick (a plugin that failed after it converged is reported).
   */
  tick(): void {
    const all = ++this.#ticks % 5 === 0;
    for (const [id, slot] of this.#d.mirror.desired) {
      if (all || slot.entry?.plan) this.#dirty.add(id);
    }
    this.#kick();
  }

  /** Resolves once nothing is left to do (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #kick(): void {
    if (!this.#active || this.#running) return;
    this.#running = (async () => {
      while (this.#active && this.#dirty.size > 0) {
        const id = this.#dirty.values().next().value!;
        this.#dirty.delete(id);
        try {
          await this.#reconcile(id);
        } catch (error) {
          this.#d.log(`fleet: reconciling ${id} failed: ${(error as Error).message}`);
        }
      }
    })().finally(() => (this.#running = null));
  }

  async #reconcile(id: string): Promise<void> {
    const { mirror, settings } = this.#d;
    const slot = mirror.desired.get(id);
    const record = await this.#d.plugins.record(id).catch((e) => {
      if (e instanceof NotFoundError) return null;
      throw e;
    });
    const managed = (await this.#d.managed.all()).get(id) ?? null;
    const entry = slot?.entry ?? null;
    if (slot && !entry) {
      // Refused entries change nothing here; the host says why.
      return await writeHostStatus(this.#d, id, "failed", record, null, slot.error, null, 0);
    }
    if (!entry || !selects(entry.hosts, settings.hostId, settings.labels)) {
      if (managed && record) {
        await writeHostStatus(this.#d, id, "removing", record, null, null, entry, 0);
        await this.#d.plugins.remove(id, { purge: false }, FLEET_ACTOR);
        this.#d.count("removed");
        this.#d.log(`fleet: removed ${id} (no longer desired on this host)`);
      }
      if (managed) await this.#d.managed.delete(id);
      if (mirror.statusesOf(id).has(settings.hostId)) await this.#d.writeStatus(id, null);
      return;
    }
    const decision = this.#gate(entry, record);
    if (record && !managed) {
      // Installed here by an operator, not by the fleet: never taken over (nor removed later).
      return await this.#fail(id, record, handInstalled(id), entry, decision);
    }
    const own = mirror.statusesOf(id).get(settings.hostId);
    const control = mirror.controls.get(id);
    const aborted = !!control?.aborted && control.rollout === entry.plan?.id;
    if (
      decision.waiting && !aborted && own?.state === "failed" && own.rollout === entry.plan?.id &&
      own.attempt === decision.attempt && own.target === entry.plan?.to
    ) {
      return; // its own failure in this attempt stands until a resume or a new apply
    }
    let secretValues: Record<string, string>;
    try {
      secretValues = resolveSecrets(
        entry.secrets,
        settings.secretEnv,
        this.#d.env ?? ((n) => Deno.env.get(n)),
      );
    } catch (error) {
      return await this.#fail(id, record, (error as Error).message, entry, decision);
    }
    const hash = await configHash(desiredConfig(entry, secretValues));
    const waitingState = decision.waiting ? "waiting" : "converged";
    const failedBefore = record?.state === "failed" && managed?.digest === entry.digest;
    if (failedBefore) {
      return await this.#fail(id, record, record!.failedReason ?? "failed", entry, decision);
    }
    if (isConverged(record, entry, decision.target, hash, managed?.configHash ?? null)) {
      if (managed?.digest !== entry.digest) {
        await this.#d.managed.put({
          pluginId: id,
          digest: entry.digest,
          configHash: hash,
          version: record!.version,
        });
      }
      return await writeHostStatus(
        this.#d,
        id,
        waitingState,
        record,
        decision.target,
        decision.waiting,
        entry,
        decision.attempt,
      );
    }
    const timings: Record<string, number> = {};
    try {
      // Ours from before the install: a crash right after it must not look like a hand install.
      if (!managed) {
        await this.#d.managed.put({ pluginId: id, digest: "", configHash: "", version: "" });
      }
      const applied = await convergePlugin({
        timings,
        plugins: this.#d.plugins,
        entry,
        target: decision.target,
        record,
        registry: registrySource(this.#d.check.config, entry.registry),
        secretValues,
        appliedConfigHash: managed?.configHash ?? null,
        manifestOf: async (version) => (await this.#packages.get(entry, version)).manifest,
        archiveOf: async (version) => (await this.#packages.get(entry, version)).archive,
        progress: (state) =>
          writeHostStatus(
            this.#d,
            id,
            state,
            record,
            decision.target,
            null,
            entry,
            decision.attempt,
          ),
      });
      await this.#packages.dropArchive(entry, decision.target);
      const now = await this.#d.plugins.record(id);
      await this.#d.managed.put({
        pluginId: id,
        digest: entry.digest,
        configHash: applied,
        version: now.version,
      });
      this.#d.count("converged");
      const ms = Object.values(timings).reduce((a, b) => a + b, 0);
      this.#d.log(
        `fleet: ${id} converged to ${now.version} in ${ms} ms (` +
          Object.entries(timings).map(([k, v]) => `${k} ${v} ms`).join(", ") + ")",
      );
      await writeHostStatus(
        this.#d,
        id,
        waitingState,
        now,
        decision.target,
        decision.waiting,
        entry,
        decision.attempt,
      );
    } catch (error) {
      await this.#packages.dropArchive(entry, decision.target);
      const after = await this.#d.plugins.record(id).catch(() => null);
      if (error instanceof ConvergeError || error instanceof Error) {
        return await this.#fail(id, after, error.message, entry, decision);
      }
      throw error;
    }
  }

  #gate(entry: DesiredEntry, record: PluginRecord | null) {
    const { mirror, settings } = this.#d;
    const input = {
      entry,
      hostId: settings.hostId,
      statuses: mirror.statusesOf(entry.id),
      control: mirror.controls.get(entry.id) ?? null,
      online: mirror.online,
      installed: record?.version ?? null,
    };
    const first = rolloutGate(input, false);
    if (!first.pausing || !entry.plan) return first;
    const key = `${entry.plan.id}#${first.attempt}`;
    const since = this.#readySince.get(key) ?? Date.now();
    this.#readySince.set(key, since);
    return rolloutGate(input, Date.now() - since >= (entry.rollout?.pause_s ?? 0) * 1000);
  }

  async #fail(
    id: string,
    record: PluginRecord | null,
    reason: string,
    entry: DesiredEntry,
    decision: { target: string; attempt: number },
  ): Promise<void> {
    const old = this.#d.mirror.statusesOf(id).get(this.#d.settings.hostId);
    if (old?.state !== "failed" || old.reason !== reason) {
      this.#d.count("failed");
      this.#d.log(`fleet: ${id}: ${reason}`);
    }
    await writeHostStatus(
      this.#d,
      id,
      "failed",
      record,
      decision.target,
      reason,
      entry,
      decision.attempt,
    );
  }
}
