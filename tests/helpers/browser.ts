/**
 * Headless Chromium for console tests: Debian's /usr/bin/chromium driven by playwright-core
 * (no browser download). The flags keep it off the network: no background requests, updates,
 * sync or QUIC. Playwright gives every launch a fresh temporary profile and removes it on close.
 */
import { type Browser, chromium } from "playwright-core";

/** Where Chromium is; `PLUGD_CHROMIUM` overrides. */
export const CHROMIUM = Deno.env.get("PLUGD_CHROMIUM") ?? "/usr/bin/chromium";

/** Launch arguments (besides playwright's own). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches a browser; `await using` closes it. */
export async function launchBrowser(): Promise<Browser & AsyncDisposable> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return Object.assign(browser, {
    [Symbol.asyncDispose]: async () => {
      await browser.close();
    },
  });
}
