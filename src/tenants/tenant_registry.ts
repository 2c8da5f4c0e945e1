/** The tenant registry: which tenants exist, kept in memory for the event path. */
import type { InStatement } from "@libsql/client";
import { auditStatement } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import { TenantConflictError, TenantNotFoundError, UnknownTenantError } from "./errors.ts";
import { tenantIdProblem } from "./tenant_id.ts";

/** A tenant as `GET /v1/tenants` lists it. */
export interface Tenant {
  id: string;
  /** A display name. @default the id */
  name: string;
  created_at: string;
  created_by: string;
}

/** Longest display name accepted. */
const MAX_NAME = 200;

/**
 * Tenants (`plugd tenant add|list|remove`). Only the daemon writes the table, so the set of ids
 * is read once and then kept current by `add`/`remove`: checking an event's tenant costs a
 * lookup in memory.
 *
 * @example
 * ```ts
 * const tenants = new TenantRegistry(store);
 * await tenants.add({ id: "acme" }, "admin");
 * await tenants.require("acme"); // "acme"
 * ```
 */
export class TenantRegistry {
  #store: Store;
  #ids: Promise<Set<string>> | null = null;

  constructor(store: Store) {
    this.#store = store;
  }

  #known(): Promise<Set<string>> {
    this.#ids ??= this.#store.execute("SELECT id FROM tenants").then(
      (rs) => new Set(rs.rows.map((r) => String(r.id))),
      (error) => {
        this.#ids = null;
        throw error;
      },
    );
    return this.#ids;
  }

  /**
   * Whether tenants are in use: at least one is registered. Until then a `tenant` attribute is an
   * ordinary extension attribute (kept, not checked, not routed on), as before tenants existed.
   */
  async enforced(): Promise<boolean> {
    return (await this.#known()).size > 0;
  }

  /** Whether `id` is a registered tenant. */
  async has(id: string): Promise<boolean> {
    return (await this.#known()).has(id);
  }

  /**
   * `id` if it names a registered tenant; else throws `UnknownTenantError` (HTTP 400) naming the
   * fix. `what` says where the id came from (`the event's tenant`).
   */
  async require(id: unknown, what = "tenant"): Promise<string> {
    const problem = tenantIdProblem(id);
    if (problem !== null) throw new UnknownTenantError(`${what}: ${problem}`);
    if (!(await this.#known()).has(id as string)) {
      throw new UnknownTenantError(
        `${what} "${id}" is not a registered tenant; add it with "plugd tenant add ${id}" ` +
          "(list them with plugd tenant list)",
      );
    }
    return id as string;
  }

  /** Every tenant, by id. */
  async list(): Promise<Tenant[]> {
    const rs = await this.#store.execute(
      "SELECT id, name, created_at, created_by FROM tenants ORDER BY id",
    );
    return rs.rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      created_at: String(r.created_at),
      created_by: String(r.created_by),
    }));
  }

  /** One tenant; `TenantNotFoundError` (404) when there is none. */
  async get(id: string): Promise<Tenant> {
    const tenant = (await this.list()).find((t) => t.id === id);
    if (!tenant) {
      throw new TenantNotFoundError(
        `No tenant "${id}"; list them with "plugd tenant list", add one with "plugd tenant add ${id}"`,
      );
    }
    return tenant;
  }

  /** Registers a tenant (audited `tenant.add`); 409 if it exists. */
  async add(input: { id: unknown; name?: unknown }, actor: string): Promise<Tenant> {
    const problem = tenantIdProblem(input.id);
    if (problem !== null) throw new RangeError(problem);
    const id = input.id as string;
    const name = input.name ?? id;
    if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME) {
      throw new RangeError(
        `a tenant's name is a non-empty string of at most ${MAX_NAME} characters`,
      );
    }
    const ids = await this.#known();
    const tenant: Tenant = {
      id,
      name,
      created_at: new Date().toISOString(),
      created_by: actor,
    };
    await this.#store.write(async () => {
      const rs = await this.#store.execute({
        sql: "SELECT 1 FROM tenants WHERE id = ?",
        args: [id],
      });
      if (rs.rows.length > 0) throw new TenantConflictError(`Tenant "${id}" already exists`);
      return {
        statements: [
          {
            sql: "INSERT INTO tenants (id, name, created_at, created_by) VALUES (?, ?, ?, ?)",
            args: [id, name, tenant.created_at, actor],
          },
          await auditStatement(this.#store, {
            actor,
            action: "tenant.add",
            target: id,
            result: "ok",
            detail: { name },
          }),
        ],
        afterCommit: () => void ids.add(id),
      };
    });
    return tenant;
  }

  /**
   * Removes a tenant (audited `tenant.remove` with `detail`), committing `statements` (what other
   * areas forget of it) in the same batch. 404 when there is no such tenant.
   */
  async remove(
    id: string,
    actor: string,
    options: { statements?: InStatement[]; detail?: Record<string, unknown> } = {},
  ): Promise<void> {
    await this.get(id);
    const ids = await this.#known();
    await this.#store.write(async () => ({
      statements: [
        { sql: "DELETE FROM tenants WHERE id = ?", args: [id] },
        ...(options.statements ?? []),
        await auditStatement(this.#store, {
          actor,
          action: "tenant.remove",
          target: id,
          result: "ok",
          detail: options.detail,
        }),
      ],
      afterCommit: () => void ids.delete(id),
    }));
  }
}
