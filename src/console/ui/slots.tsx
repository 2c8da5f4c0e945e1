/** Renders extension slots; a failing renderer shows its error in place, the page still loads. */
import type { Child } from "hono/jsx";
import type { ConsoleExtensions, SlotContext, SlotName } from "../extensions.ts";
import { inert } from "../inert_text.ts";

/** Every renderer of `slot`, each in its own box. */
export async function renderSlots(
  extensions: ConsoleExtensions,
  slot: SlotName,
  ctx: SlotContext,
): Promise<Child[]> {
  const out: Child[] = [];
  for (const render of extensions.slots(slot)) {
    try {
      out.push(<div class="slot">{await render(ctx)}</div>);
    } catch (error) {
      out.push(
        <div class="slot slot-error">This panel failed: {inert((error as Error).message)}</div>,
      );
    }
  }
  return out;
}
