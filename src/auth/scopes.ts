/** Token scopes (SPEC §8). */
export const SCOPES = ["admin", "operator", "reader", "emitter"] as const;
export type Scope = typeof SCOPES[number];

/** What each scope may do besides its own name; `admin` may do everything. */
const IMPLIES: Record<Scope, readonly Scope[]> = {
  admin: ["admin", "operator", "reader", "emitter"],
  operator: ["operator", "reader", "emitter"],
  reader: ["reader"],
  emitter: ["emitter"],
};

/** Whether a caller holding `held` may call a route that requires `required`. */
export function scopeAllows(held: Scope, required: Scope): boolean {
  return IMPLIES[held].includes(required);
}

/** Type guard for scope names coming from user input. */
export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (SCOPES as readonly string[]).includes(value);
}
