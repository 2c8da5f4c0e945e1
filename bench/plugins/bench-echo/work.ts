/** CPU work shared by the plugin and the in-process floor: `n` rounds of FNV-1a mixing. */
export function work(n: number): number {
  let h = 2166136261;
  for (let i = 0; i < n; i++) {
    h ^= i & 0xff;
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
