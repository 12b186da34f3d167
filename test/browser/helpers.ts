// Starts the demo server and headless Chromium for browser tests.
import { chromium, type Browser } from 'playwright-core';
// @ts-expect-error plain JS module without types
import { startServer } from '../../scripts/serve.js';
import type { Server } from 'node:http';

export const CHROME_FLAGS = [
  '--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

export async function startBrowser(): Promise<{ browser: Browser; server: Server; origin: string; close: () => Promise<void> }> {
  const executablePath = process.env.CHROME_PATH;
  if (!executablePath) throw new Error('CHROME_PATH is not set: run the browser tests through "npm test", which finds Chromium');
  const server: Server = await startServer(0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({ executablePath, args: CHROME_FLAGS, headless: true });
  return {
    browser, server, origin: `http://localhost:${port}`,
    close: async () => {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}
