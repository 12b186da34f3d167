// <rnn-predict> around a contenteditable message box (test/fixtures/contenteditable.html), in
// Chromium: chips, Tab/→/Esc, the ghost at the caret, learn on an Enter send, text read through
// <br> and inline formatting, and the one warning for a child that is no field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { settle, startBrowser } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

type El = HTMLElement & {
  ready: Promise<void>;
  currentSuggestions: string[];
  currentPhrase: string;
  field?: { text(): string; textBeforeCaret(): string | null; caretRect(): DOMRect | null; kind: string };
};

/** Opens the fixture; `corpus` replaces the shipped corpus it names. */
async function open(corpus?: string): Promise<{ page: Page; errors: string[] }> {
  const page = await env.browser.newPage();
  if (corpus)
    await page.route(`${env.origin}/dist/corpus/es-conversaciones.txt`, (route) =>
      route.fulfill({ contentType: 'text/plain; charset=utf-8', body: corpus }),
    );
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${env.origin}/test/fixtures/contenteditable.html`);
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  await page.evaluate(() => (document.getElementById('el') as El).ready);
  return { page, errors };
}

const suggestions = (page: Page) => page.$eval('#el', (e) => (e as El).currentSuggestions);
const text = (page: Page) => page.$eval('#el', (e) => (e as El).field!.text());
const waitFor = (page: Page, word: string) =>
  page.waitForFunction((w) => (document.getElementById('el') as El).currentSuggestions.includes(w), word);

test('a contenteditable box: "hoy" after "Hola cómo se siente ", Tab inserts the top word, the caret after it', async () => {
  const { page, errors } = await open();
  assert.equal(await page.$eval('#el', (e) => (e as El).field?.kind), 'contenteditable');
  assert.deepEqual(
    await page
      .$eval('#f', (f) => ['role', 'aria-autocomplete', 'aria-controls'].map((a) => f.getAttribute(a)))
      .then((a) => a.slice(0, 2)),
    ['textbox', 'list'],
  );
  await page.evaluate(() => {
    (window as any).__accepts = [];
    document.addEventListener('rnn-accept', (e) => (window as any).__accepts.push((e as CustomEvent).detail));
  });
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  const shown = await suggestions(page);
  assert.equal(shown.length, 3);
  // The ghost shows the top word at the caret, inside the box.
  const ghost = await page.$eval('#el', (e) => {
    const g = e.shadowRoot!.querySelector('[part~=ghost]') as HTMLElement | null;
    const caret = (e as El).field!.caretRect()!;
    const box = document.getElementById('f')!.getBoundingClientRect();
    const r = g?.getBoundingClientRect();
    return { text: g?.textContent?.trim(), dx: r ? r.left - caret.left : NaN, inside: !!r && r.right <= box.right };
  });
  assert.equal(ghost.text, shown[0]);
  assert.ok(Math.abs(ghost.dx) < 12, `the ghost starts at the caret (${ghost.dx}px off)`);
  assert.ok(ghost.inside, 'the ghost stays inside the box');
  await page.keyboard.press('Tab');
  assert.equal(await text(page), `Hola cómo se siente ${shown[0]} `);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f', 'Tab stayed in the box');
  await page.keyboard.type('x');
  assert.equal(await text(page), `Hola cómo se siente ${shown[0]} x`, 'the caret was after the word and its space');
  assert.deepEqual(await page.evaluate(() => (window as any).__accepts), [
    { word: shown[0], index: 0, kind: 'word', words: [shown[0]] },
  ]);
  // Escape hides them; the next letter brings them back.
  await page.keyboard.press('Backspace');
  // The list for "… hoy " comes back (it may be empty for a moment while it is looked up).
  await page.waitForFunction(() => (document.getElementById('el') as El).currentSuggestions.length > 0);
  await page.keyboard.press('Escape');
  await settle(page);
  assert.deepEqual(await suggestions(page), []);
  await page.keyboard.type('m');
  await page.waitForFunction(() => (document.getElementById('el') as El).currentSuggestions.length > 0);
  // ↓ ↓ Enter takes the second one; Enter with none chosen sends (the page's handler).
  const next = await suggestions(page);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await text(page), `Hola cómo se siente ${shown[0]} ${next[1]} `);
  assert.deepEqual(await page.evaluate(() => (window as any).__sent), [], 'Enter on a chosen word did not send');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a contenteditable box: a send on Enter is learned, without the trailing space of the last accepted word', async () => {
  const { page, errors } = await open();
  await page.click('#f');
  await page.keyboard.type('la jirafa violeta ');
  await waitFor(page, 'de'); // any list: the accept below takes its top word
  const top = (await suggestions(page))[0]!;
  await page.keyboard.press('Tab');
  assert.equal(await text(page), `la jirafa violeta ${top} `);
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.evaluate(() => (window as any).__sent), [`la jirafa violeta ${top}`]);
  assert.equal(await text(page), '', 'the page cleared the box');
  await page.keyboard.type('la jirafa ');
  await waitFor(page, 'violeta');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a contenteditable box: a phrase shows as ghost text at the caret and → accepts it', async () => {
  const { page } = await open(Array.from({ length: 30 }, () => 'me gusta mucho el café con leche').join('\n'));
  await page.click('#f');
  await page.keyboard.type('Me gusta ');
  // The phrase for all the letters typed (settle), not one from a frame between them: after 'M'
  // it is 'Me gusta mucho el' and its ghost 'e gusta mucho el' (a failure seen in CI).
  await settle(page);
  await page.waitForFunction(() => (document.getElementById('el') as El).currentPhrase !== '');
  const phrase = await page.$eval('#el', (e) => (e as El).currentPhrase);
  assert.equal(
    await page.$eval('#el', (e) => e.shadowRoot!.querySelector('[part~=ghost]')?.textContent?.trim()),
    phrase,
  );
  await page.keyboard.press('ArrowRight');
  assert.equal(await text(page), `Me gusta ${phrase} `);
  await page.close();
});

test('a contenteditable holding <br> and inline formatting reads its text as shown; Tab keeps the markup', async () => {
  const { page, errors } = await open();
  await page.evaluate(() => {
    const f = document.getElementById('f')!;
    f.innerHTML = 'Buenos días<br>Hola cómo <b>se</b> <i>sie</i>';
    f.focus();
    const i = f.querySelector('i')!.firstChild!;
    getSelection()!.collapse(i, 3);
  });
  await page.waitForFunction(() => (document.getElementById('el') as El).currentSuggestions.length > 0);
  assert.equal(
    await page.$eval('#el', (e) => (e as El).field!.textBeforeCaret()),
    'Buenos días\nHola cómo se sie',
    '<br> is a new line, <b> and <i> are plain text',
  );
  const shown = await suggestions(page);
  assert.ok(
    shown.every((w) => w.startsWith('sie')),
    JSON.stringify(shown),
  );
  await page.keyboard.press('Tab');
  assert.equal(await text(page), `Buenos días\nHola cómo se ${shown[0]} `);
  assert.equal(await page.$eval('#f', (f) => f.querySelectorAll('br, b').length), 2, 'the <br> and <b> stay');
  // Paragraphs (as Chrome makes them on Enter in a plain box) are lines too.
  await page.evaluate(() => {
    const f = document.getElementById('f')!;
    f.innerHTML = '<div>Hola</div><div>cómo se <span>siente</span> </div>';
    getSelection()!.collapse(f.lastChild!, f.lastChild!.childNodes.length);
  });
  assert.equal(await page.$eval('#el', (e) => (e as El).field!.textBeforeCaret()), 'Hola\ncómo se siente ');
  await waitFor(page, 'hoy');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a child that is no text field is reported once: an rnn-error event and a console warning naming it', async () => {
  const page = await env.browser.newPage();
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.goto(`${env.origin}/test/fixtures/blank.html`);
  const errors = await page.evaluate(async (origin) => {
    await import(`${origin}/dist/rnn-predict.bundle.js`);
    const seen: string[] = [];
    document.addEventListener('rnn-error', (e) => seen.push((e as CustomEvent<Error>).detail.message));
    const el = document.createElement('rnn-predict');
    el.setAttribute('no-train', '');
    el.innerHTML = '<select><option>uno</option></select><input type="password">';
    document.body.append(el);
    await new Promise((r) => setTimeout(r, 50));
    el.append(document.createElement('span')); // another slotchange: said once only
    await new Promise((r) => setTimeout(r, 50));
    return seen;
  }, env.origin);
  const said = errors.filter((m) => /no text field/.test(m));
  assert.equal(said.length, 1, JSON.stringify(errors));
  assert.match(said[0]!, /<select>, <input type="password">/);
  assert.match(said[0]!, /contenteditable/);
  assert.equal(warnings.filter((w) => /no text field/.test(w)).length, 1);
  await page.close();
});
