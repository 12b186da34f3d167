#!/usr/bin/env node
// npm test: finds Chromium (never skips browser tests silently), then runs every unit and
// browser test with Node's test runner (TypeScript through tsx).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

function findChrome() {
  if (process.env.CHROME_PATH) {
    if (existsSync(process.env.CHROME_PATH)) return process.env.CHROME_PATH;
    console.error(`CHROME_PATH is set to ${process.env.CHROME_PATH}, which does not exist.`);
    process.exit(1);
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

const chrome = findChrome();
if (!chrome) {
  console.error(
    [
      'npm test needs Chromium for the browser tests, and none was found.',
      'Install one, then run npm test again:',
      '  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y chromium',
      '  macOS:         brew install --cask chromium',
      'or point CHROME_PATH at a Chrome or Chromium binary.',
    ].join('\n'),
  );
  process.exit(1);
}

const only = process.argv.slice(2);
const files =
  only.length > 0
    ? only
    : ['test/unit', 'test/browser'].flatMap((dir) =>
        existsSync(dir)
          ? readdirSync(dir)
              .filter((f) => f.endsWith('.test.ts'))
              .sort()
              .map((f) => `${dir}/${f}`)
          : [],
      );
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=300000', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, CHROME_PATH: chrome },
  },
);
process.exit(r.status ?? 1);
