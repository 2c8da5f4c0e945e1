/** Questions on the terminal: yes/no, and secrets typed without echo. */
import { CliError, EXIT } from "./command.ts";

const encoder = new TextEncoder();

/** Whether the CLI can ask: stdin and stderr are both terminals. */
export function canAsk(): boolean {
  return Deno.stdin.isTerminal() && Deno.stderr.isTerminal();
}

/**
 * Asks a yes/no question on the terminal. Throws (exit 2) when stdin is not a terminal, with
 * `instead` as the way out (e.g. "pass --yes"), rather than answering "no" to an unseen question.
 */
export async function confirm(question: string, instead: string): Promise<boolean> {
  if (!canAsk()) {
    throw new CliError(
      `stdin is not a terminal, so plugd cannot ask "${question}": ${instead}`,
      EXIT.usage,
    );
  }
  await Deno.stderr.write(encoder.encode(`${question} [y/N] `));
  const answer = (await readLine(true)).trim().toLowerCase();
  return answer === "y" || answer === "yes";
}

/** Asks for a secret on the terminal without echoing it. Throws (exit 2) without a terminal. */
export async function askSecret(prompt: string, instead: string): Promise<string> {
  if (!canAsk()) {
    throw new CliError(
      `stdin is not a terminal, so plugd cannot ask for ${prompt}: ${instead}`,
      EXIT.usage,
    );
  }
  // No echo from before the prompt shows, so nothing typed ahead is displayed either.
  Deno.stdin.setRaw(true);
  try {
    await Deno.stderr.write(encoder.encode(`${prompt}: `));
    return await readLine(false);
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stderr.write(encoder.encode("\n"));
  }
}

/** Reads all of stdin (for `--secret-stdin`), without one trailing newline. */
export async function readStdin(): Promise<string> {
  const text = await new Response(Deno.stdin.readable).text();
  return text.replace(/\r?\n$/, "");
}

/** Reads one line; in raw mode handles backspace and Ctrl-C/Ctrl-D itself. */
async function readLine(echo: boolean): Promise<string> {
  const buffer = new Uint8Array(1);
  const bytes: number[] = [];
  while (true) {
    const n = await Deno.stdin.read(buffer);
    if (n === null) break;
    const byte = buffer[0]!;
    if (byte === 0x0a || byte === 0x0d) break;
    if (!echo && byte === 0x03) throw new CliError("cancelled", EXIT.failure);
    if (!echo && byte === 0x04 && bytes.length === 0) break;
    if (!echo && (byte === 0x7f || byte === 0x08)) {
      bytes.pop();
      continue;
    }
    bytes.push(byte);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
