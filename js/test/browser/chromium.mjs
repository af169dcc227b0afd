// Headless Chromium for the browser tests: Debian's chromium, driven by
// playwright-core, with a fresh profile. CHROMIUM overrides the binary
// (default /usr/bin/chromium).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// This machine's network is closed: without these, chromium keeps trying to reach Google's hosts.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

// Resolves to { context, close() }: a persistent context is how playwright takes a fresh --user-data-dir.
export async function launchChromium() {
  const profile = await mkdtemp(join(tmpdir(), 'platform-buffer-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,  // adds --headless
      args: ARGS,
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(profile, { recursive: true, force: true });
    throw e;
  }
}
