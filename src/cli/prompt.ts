/** Asks a yes/no question on the terminal; false when stdin is not a terminal. */
export async function confirm(question: string): Promise<boolean> {
  if (!Deno.stdin.isTerminal()) return false;
  await Deno.stderr.write(new TextEncoder().encode(`${question} [y/N] `));
  const buffer = new Uint8Array(64);
  const n = await Deno.stdin.read(buffer);
  const answer = new TextDecoder().decode(buffer.subarray(0, n ?? 0)).trim().toLowerCase();
  return answer === "y" || answer === "yes";
}
