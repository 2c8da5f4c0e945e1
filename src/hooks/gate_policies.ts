/** Per-gate failure policy set by the operator (`PUT /v1/gates/{name}/policy`). */
import { auditStatement } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";

/** A gate's policy. */
export interface GatePolicy {
  name: string;
  fail_open: boolean;
  updated_at: string | null;
  updated_by: string | null;
}

/** The stored policies, cached in memory (the daemon is the only writer). */
export class GatePolicies {
  #store: Store;
  #cache = new Map<string, GatePolicy>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Loads every stored policy. */
  async load(): Promise<void> {
    const rs = await this.#store.execute("SELECT * FROM gate_policies");
    this.#cache.clear();
    for (const r of rs.rows) {
      this.#cache.set(String(r.name), {
        name: String(r.name),
        fail_open: Number(r.fail_open) === 1,
        updated_at: String(r.updated_at),
        updated_by: String(r.updated_by),
      });
    }
  }

  /** The policy of `name` (fail-closed unless set otherwise). */
  get(name: string): GatePolicy {
    return this.#cache.get(name) ??
      { name, fail_open: false, updated_at: null, updated_by: null };
  }

  /** Sets and audits a policy. */
  async set(name: string, failOpen: boolean, actor: string): Promise<GatePolicy> {
    const policy = {
      name,
      fail_open: failOpen,
      updated_at: new Date().toISOString(),
      updated_by: actor,
    };
    await this.#store.write(async () => ({
      statements: [
        {
          sql:
            `INSERT INTO gate_policies (name, fail_open, updated_at, updated_by) VALUES (?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET fail_open = excluded.fail_open,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          args: [name, failOpen ? 1 : 0, policy.updated_at, actor],
        },
        await auditStatement(this.#store, {
          actor,
          action: "gate.policy",
          target: name,
          result: "ok",
          detail: { fail_open: failOpen },
        }),
      ],
    }));
    this.#cache.set(name, policy);
    return policy;
  }
}
