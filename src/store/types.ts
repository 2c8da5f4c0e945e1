/** One versioned schema change, applied atomically with its bookkeeping row. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}
