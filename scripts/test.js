#!/usr/bin/env node
// npm test: finds Chromium and Firefox (never skips browser tests silently), then runs every
// unit, browser (Chromium), Firefox and consumer test with Node's test runner (TypeScript
// through tsx).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

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

// --quick (npm run test:quick): the edit–test loop, unit files only, without those that carry
// the line `@tier full` (they train networks, run the built CLI or pack the package).
const quick = process.argv.includes('--quick');
const chrome = findChrome();
if (!chrome && !quick) {
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

/** Debian's firefox-esr (or FIREFOX_PATH), driven over WebDriver BiDi by puppeteer-core. */
function findFirefox() {
  if (process.env.FIREFOX_PATH) {
    if (existsSync(process.env.FIREFOX_PATH)) return process.env.FIREFOX_PATH;
    console.error(`FIREFOX_PATH is set to ${process.env.FIREFOX_PATH}, which does not exist.`);
    process.exit(1);
  }
  for (const name of ['firefox-esr', 'firefox']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

const only = process.argv.slice(2).filter((a) => a !== '--quick');
const firefox = findFirefox();
if (!firefox && !quick && (only.length === 0 || only.some((f) => f.includes('firefox')))) {
  console.error(
    [
      'npm test needs Firefox for the Firefox tests (test/firefox), and none was found.',
      'Install it, then run npm test again:',
      '  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y firefox-esr',
      'or point FIREFOX_PATH at a Firefox binary.',
    ].join('\n'),
  );
  process.exit(1);
}

const full = (f) => /^\/\/ @tier full/m.test(readFileSync(f, 'utf8'));
const files =
  only.length > 0
    ? only
    : (quick ? ['test/unit'] : ['test/unit', 'test/browser', 'test/firefox', 'test/consumers'])
        .flatMap((dir) =>
          existsSync(dir)
            ? readdirSync(dir)
                .filter((f) => f.endsWith('.test.ts'))
                .sort()
                .map((f) => `${dir}/${f}`)
            : [],
        )
        .filter((f) => !quick || !full(f));
// The consumer apps (npm pack, installs, two bundler builds) and Firefox's start take longer
// than a unit or Chromium file: they run after the others, with a longer limit per file.
const slow = (f) => /test\/(consumers|firefox)\//.test(f);
const groups = [
  [files.filter((f) => !slow(f)), 300_000],
  [files.filter(slow), 1_200_000],
];
let status = 0;
for (const [group, timeout] of groups) {
  if (group.length === 0) continue;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', `--test-timeout=${timeout}`, ...group],
    {
      stdio: 'inherit',
      env: { ...process.env, CHROME_PATH: chrome, ...(firefox ? { FIREFOX_PATH: firefox } : {}) },
    },
  );
  status ||= r.status ?? 1;
}
process.exit(status);
