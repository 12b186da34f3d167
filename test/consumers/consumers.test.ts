// The package as a user gets it: `npm pack` of the build, installed from the tarball into the
// fixture apps of this folder (their own pinned Vite, webpack 5, TypeScript, React and
// ProseMirror, from package-lock.json), built, served on 127.0.0.1 and opened in Chromium, with
// no configuration of the package's files in the app. The Vite, webpack and static apps must
// suggest "hoy", accept it with Tab, and train a network in the worker on wasm (not cpu). Two
// more check what a framework or an editor keeps of an accepted word: a React 19 controlled
// textarea (react/) and a ProseMirror editor through the field adapter docs/element.md shows
// (prosemirror/). npm test builds first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROME_FLAGS } from '../browser/helpers.js';
// @ts-expect-error plain JS module without types
import { TYPES } from '../../scripts/serve.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work: string;
let browser: Browser;

/** Runs a command to completion; fails the test with its output when it exits non-zero. */
function sh(command: string, args: string[], cwd: string, timeout = 300_000): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1' } });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  assert.equal(r.status, 0, `${command} ${args.join(' ')} (in ${cwd}) failed:\n${out.slice(-4000)}`);
  return out;
}

/** Serves `root` on 127.0.0.1 (a port chosen by the system); missing files are 404s, never index.html. */
async function serve(root: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    try {
      if (!file.startsWith(root.replace(/\/?$/, sep)) || !(await stat(file)).isFile()) throw new Error('not found');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

before(
  async () => {
    assert.ok(existsSync(join(repo, 'dist/index.js')), 'dist/ is missing: run "npm run build" (npm test does)');
    work = mkdtempSync(join(tmpdir(), 'rnn-predict-consumers-'));
    // The fixtures' own tools, from their lock file; skipped when node_modules already matches it.
    const lock = readFileSync(join(here, 'package-lock.json'));
    const stamp = join(here, 'node_modules/.lock-hash');
    const hash = createHash('sha256').update(lock).digest('hex');
    if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
      sh(npm, ['ci', '--no-audit', '--no-fund', '--prefer-offline'], here, 600_000);
      writeFileSync(stamp, hash);
    }
    // The package as published: npm pack of the repository, installed from the tarball.
    const packed = sh(npm, ['pack', '--pack-destination', work, '--silent', '--ignore-scripts'], repo).trim();
    const tarball = join(work, packed.split('\n').pop()!.trim());
    assert.ok(existsSync(tarball), `npm pack wrote no ${tarball}`);
    rmSync(join(here, 'node_modules/rnn-predict'), { recursive: true, force: true });
    sh(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', tarball], here, 600_000);
    const executablePath = process.env.CHROME_PATH;
    if (!executablePath)
      throw new Error('CHROME_PATH is not set: run the tests through "npm test", which finds Chromium');
    browser = await chromium.launch({ executablePath, args: CHROME_FLAGS, headless: true });
  },
  { timeout: 1_200_000 },
);

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Opens `url` in a new page, waits for `<rnn-predict>` to be ready, runs `check`, then fails on
 * any request that failed, any page error or console error, and any warning of the element's
 * own (it warns when it finds no field). */
async function withApp(url: string, check: (page: Page) => Promise<void>): Promise<void> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const failed: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || (m.type() === 'warning' && m.text().startsWith('<rnn-predict>'))) errors.push(m.text());
  });
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
    await page.evaluate(() => (document.querySelector('rnn-predict') as HTMLElement & { ready: Promise<void> }).ready);
    await check(page);
    assert.deepEqual(failed, [], 'requests failed');
    assert.deepEqual(errors, [], 'the page logged errors');
  } finally {
    await page.close();
  }
}

const GREETING = 'Hola cómo se siente ';

/** Clicks `selector` and types the greeting; waits for "hoy" among the chips and returns the
 * suggestions shown, best first (Tab inserts the first). */
async function typeGreeting(page: Page, selector: string): Promise<string[]> {
  await page.click(selector);
  await page.keyboard.type(GREETING);
  await page
    .waitForFunction(() => [...document.querySelectorAll('[role=option]')].some((o) => o.textContent === 'hoy'))
    .catch(() => assert.fail(`no "hoy" among the chips after typing "${GREETING}" in ${selector}`));
  return page.$eval('rnn-predict', (e) => (e as HTMLElement & { currentSuggestions: string[] }).currentSuggestions);
}

/** The app of app/ and static/: types, checks "hoy", accepts with Tab, then trains a tiny network in the worker. */
async function checkApp(url: string): Promise<void> {
  await withApp(url, async (page) => {
    const shown = await typeGreeting(page, '#f');
    await page.keyboard.press('Tab');
    assert.equal(await page.inputValue('#f'), `${GREETING}${shown[0]} `);
    const info = await page.evaluate(() => (window as unknown as { trainTiny: () => Promise<any> }).trainTiny());
    assert.equal(info.error, undefined, `training failed: ${info.error}`);
    assert.equal(info.state, 'neural', JSON.stringify(info));
    assert.equal(info.backend, 'wasm', `trained on ${info.backend} (${info.backendReason}), expected wasm`);
  });
}

/** Builds the app in `dir` (its index.html) with the fixtures' Vite into the work folder, serves
 * it and runs `check` on it. */
async function withViteApp(dir: string, check: (page: Page) => Promise<void>): Promise<void> {
  const out = join(work, `${dir}-dist`);
  const log = sh(
    'npx',
    ['--no-install', 'vite', 'build', dir, '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
    here,
  );
  assert.doesNotMatch(log, /externalized for browser compatibility|node:fs/i, log);
  const site = await serve(out);
  try {
    await withApp(`${site.origin}/`, check);
  } finally {
    await site.close();
  }
}

/** Files a build wrote, by extension, for the messages. */
const listing = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort().join(', ');

test('Vite: builds with no configuration; the worker, the wasm binaries and the corpus are emitted; the app works', async () => {
  const out = join(work, 'vite-dist');
  const log = sh(
    'npx',
    ['--no-install', 'vite', 'build', 'app', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
    here,
  );
  assert.doesNotMatch(log, /externalized for browser compatibility|node:fs/i, log);
  const files = listing(out);
  for (const f of [/worker[^,]*\.js/, /tfjs-backend-wasm-simd[^,]*\.wasm/, /es-conversaciones[^,]*\.txt/]) {
    assert.match(files, f, `vite emitted: ${files}`);
  }
  const site = await serve(out);
  try {
    await checkApp(`${site.origin}/`);
  } finally {
    await site.close();
  }
});

test('webpack 5: builds with no configuration; the worker, the wasm binaries and the corpus are emitted; the app works', async () => {
  const out = join(work, 'webpack-dist');
  const log = sh(
    'npx',
    ['--no-install', 'webpack', '--mode', 'production', '--entry', './app/main.js', '--output-path', out],
    here,
  );
  // Size warnings (the worker is 1 MB of tfjs) are webpack's advice, not a fault.
  assert.doesNotMatch(log, /ERROR|Module not found|Critical dependency|UnhandledSchemeError/, log);
  // webpack writes a classic script, not a module.
  const html = readFileSync(join(here, 'app/index.html'), 'utf8').replace('type="module"', 'defer');
  writeFileSync(join(out, 'index.html'), html);
  const files = listing(out);
  // webpack names assets by content hash: count them by extension.
  assert.equal(files.match(/\.wasm/g)?.length, 3, `webpack emitted: ${files}`);
  assert.match(files, /\.txt/, `webpack emitted: ${files}`);
  const site = await serve(out);
  try {
    await checkApp(`${site.origin}/`);
  } finally {
    await site.close();
  }
});

test('no bundler: a static page with <script type="module" src=".../rnn-predict.bundle.js"> works', async () => {
  const site = await serve(here);
  try {
    await checkApp(`${site.origin}/static/index.html`);
  } finally {
    await site.close();
  }
});

test('React 19: a controlled <textarea> in <rnn-predict>; Tab inserts "hoy" and the state equals the field', async () => {
  await withViteApp('react', async (page) => {
    const shown = await typeGreeting(page, '#f');
    assert.equal(shown[0], 'hoy', `Tab would insert ${shown[0]}, not "hoy" (shown: ${shown.join(', ')})`);
    await page.keyboard.press('Tab');
    const expected = `${GREETING}hoy `;
    assert.equal(await page.inputValue('#f'), expected, 'Tab did not insert "hoy " in the textarea');
    assert.equal(await page.textContent('#state'), expected, "React's state missed the inserted word");
    assert.equal(await page.textContent('#accepted'), 'hoy', "React's onrnn-accept prop heard no rnn-accept");
    // A render from a stale state would drop the word: the next letter keeps it.
    await page.keyboard.type('y');
    assert.equal(await page.inputValue('#f'), `${expected}y`, 'typing after Tab lost the inserted word');
    assert.equal(
      await page.textContent('#state'),
      `${expected}y`,
      "React's state and the textarea differ after typing on",
    );
  });
});

test('ProseMirror: the worked field adapter; Tab inserts "hoy" into the editor\'s document, the caret after it', async () => {
  type Snapshot = { text: string; beforeCaret: string | null };
  const snapshot = (page: Page) =>
    page.evaluate(() => (window as unknown as { editorSnapshot: () => Snapshot }).editorSnapshot());
  await withViteApp('prosemirror', async (page) => {
    const shown = await typeGreeting(page, '#editor .ProseMirror');
    assert.equal(shown[0], 'hoy', `Tab would insert ${shown[0]}, not "hoy" (shown: ${shown.join(', ')})`);
    assert.equal((await snapshot(page)).text, GREETING, "the editor's document does not hold what was typed");
    await page.keyboard.press('Tab');
    const expected = `${GREETING}hoy `;
    const after = await snapshot(page);
    assert.equal(after.text, expected, 'Tab did not insert "hoy " into the editor\'s document');
    assert.equal(after.beforeCaret, expected, 'the caret is not right after the inserted word and its space');
    const shownText = await page.$eval('#editor .ProseMirror', (e) => (e as HTMLElement).innerText);
    assert.equal(shownText.replace(/\u00a0/g, ' '), expected, "the editor shows other text than its document's");
    // The editor goes on from its own state: the next letter lands after the word.
    await page.keyboard.type('y');
    assert.equal((await snapshot(page)).text, `${expected}y`, 'typing after Tab did not continue after the word');
  });
});

test("TypeScript compiles against the published types (bundler, node16; the React app's JSX, the ProseMirror adapter)", () => {
  // tsconfig.apps.json: <rnn-predict> in React 19's JSX (@types/react) and the FieldAdapter type.
  for (const config of ['ts/tsconfig.bundler.json', 'ts/tsconfig.node16.json', 'ts/tsconfig.apps.json']) {
    sh('npx', ['--no-install', 'tsc', '-p', config], here);
  }
});
