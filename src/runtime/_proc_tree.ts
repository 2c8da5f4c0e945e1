/** `pid` and its descendants (at most 256), from /proc; bwrap's sandboxed children included. */
export async function processTree(pid: number): Promise<number[]> {
  const tree = [pid];
  for (let i = 0; i < tree.length && tree.length < 256; i++) {
    try {
      const text = await Deno.readTextFile(`/proc/${tree[i]}/task/${tree[i]}/children`);
      tree.push(...text.trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // the process exited meanwhile
    }
  }
  return tree;
}
