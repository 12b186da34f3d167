// <rnn-predict> in Chromium: suggestions, keys, pointer, IME, caret placement, ARIA, theming
// hooks and text-only rendering. Pages load the one-file bundle; the network trainer is off
// (no-train) so that the tests stay quick on two cores.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeViolations, startBrowser } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

const CORPUS = '/dist/corpus/es-conversaciones.txt';

/** Opens a page at the server's origin with `body` inside, the bundle loaded, and waits for
 * every element to be ready. Collects page errors. */
async function open(
  body: string,
  options: { wait?: boolean; head?: string; headers?: Record<string, string> } = {},
): Promise<{ page: Page; errors: string[] }> {
  const page = await env.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const url = `${env.origin}/widget/__element_test__.html`;
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      headers: options.headers ?? {},
      body: `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>element test</title><link rel="icon" href="data:,">${options.head ?? ''}</head>
<body><main>${body}</main><script type="module" src="/dist/rnn-predict.bundle.js"></script></body></html>`,
    }),
  );
  await page.goto(url);
  if (options.wait !== false) {
    await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
    await page.evaluate(() =>
      Promise.all(
        [...document.querySelectorAll('rnn-predict')].map((e) => (e as HTMLElement & { ready: Promise<void> }).ready),
      ),
    );
  }
  return { page, errors };
}

const INPUT = `<label for="f">Mensaje</label><rnn-predict no-train corpus="${CORPUS}"><input id="f"></rnn-predict>`;

/** Two frames: a prediction scheduled by the last keystroke or accept has run and rendered. */
const settle = (page: Page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const chips = (page: Page, sel = 'rnn-predict') =>
  page.$$eval(`${sel} [role=option]`, (els) => els.map((e) => e.textContent));
const suggestions = (page: Page, sel = 'rnn-predict') =>
  page.$eval(sel, (e) => (e as HTMLElement & { currentSuggestions: string[] }).currentSuggestions);
const waitFor = (page: Page, word: string) =>
  page.waitForFunction((w) => [...document.querySelectorAll('[role=option]')].some((o) => o.textContent === w), word);
/** Records rnn-accept events on window.__accepts. */
const recordAccepts = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { __accepts: unknown[] }).__accepts = [];
    document.addEventListener('rnn-accept', (e) =>
      (window as unknown as { __accepts: unknown[] }).__accepts.push((e as CustomEvent).detail),
    );
  });
const accepts = (page: Page) => page.evaluate(() => (window as unknown as { __accepts: unknown[] }).__accepts);

test('typing "Hola cómo se siente " shows "hoy" among the suggestions; Tab inserts the top one', async () => {
  const { page, errors } = await open(INPUT);
  await recordAccepts(page);
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  const shown = await suggestions(page);
  assert.equal(shown.length, 3);
  assert.ok(shown.includes('hoy'), `"hoy" among ${JSON.stringify(shown)}`);
  assert.deepEqual(await chips(page), shown);
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#f'), `Hola cómo se siente ${shown[0]} `);
  assert.equal(
    await page.$eval('#f', (f: HTMLInputElement) => [f.selectionStart, document.activeElement === f]).then(String),
    `${`Hola cómo se siente ${shown[0]} `.length},true`,
  );
  assert.deepEqual(await accepts(page), [{ word: shown[0], index: 0, kind: 'word', words: [shown[0]] }]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('words shown for a word and typed past come after new ones; a deleted letter starts the word afresh', async () => {
  const { page, errors } = await open(
    `<label for="f">Mensaje</label><rnn-predict id="el"><input id="f"></rnn-predict>`,
    {
      wait: false,
    },
  );
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  // A predictor that always ranks these words, filtered by the letters typed (a string: no
  // helpers of the test's compiler reach the page).
  await page.evaluate(`{
    const words = ['casa', 'cosa', 'cama', 'como', 'casas', 'camino', 'casado'];
    document.getElementById('el').predictor = Object.assign(new EventTarget(), {
      ready: Promise.resolve(),
      neuralReady: new Promise(() => {}),
      predictNext: (text, o) => {
        const typed = /\\p{L}*$/u.exec(text)[0];
        return words.filter((w) => w.startsWith(typed)).slice(0, o?.k ?? 3).map((word) => ({ word, probability: 0.1 }));
      },
      continue: () => [],
      phrase: () => null,
      info: () => ({ source: 'ngram', state: 'ngram', vocabularySize: 7, corpusHash: '', corpusLines: 0 }),
      train: async () => ({}), learn: async () => {}, save: async () => {}, delete: async () => {}, dispose: () => {},
    });
  }`);
  await page.click('#f');
  const after = async (keys: string) => {
    await page.keyboard.type(keys);
    await settle(page);
    return chips(page);
  };
  assert.deepEqual(await after('hola '), ['casa', 'cosa', 'cama']);
  assert.deepEqual(await after('c'), ['como', 'casas', 'camino'], 'casa, cosa and cama were passed over');
  assert.deepEqual(await after('a'), ['casado', 'casa', 'cama'], 'only casado is new; then the oldest passed over');
  await page.keyboard.press('Backspace');
  await settle(page);
  assert.deepEqual(await chips(page), ['casa', 'cosa', 'cama'], 'a letter deleted: the word starts afresh');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a click inserts another suggestion without taking focus from the field; the field sees an input event', async () => {
  const { page } = await open(INPUT);
  await recordAccepts(page);
  await page.evaluate(() => {
    (window as unknown as { __inputs: number }).__inputs = 0;
    document
      .getElementById('f')!
      .addEventListener('input', () => (window as unknown as { __inputs: number }).__inputs++);
  });
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  const shown = await suggestions(page);
  const inputsBefore = await page.evaluate(() => (window as unknown as { __inputs: number }).__inputs);
  await page.click(`rnn-predict [role=option] >> nth=1`);
  assert.equal(await page.inputValue('#f'), `Hola cómo se siente ${shown[1]} `);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f');
  assert.equal(await page.evaluate(() => (window as unknown as { __inputs: number }).__inputs), inputsBefore + 1);
  assert.deepEqual(await accepts(page), [{ word: shown[1], index: 1, kind: 'word', words: [shown[1]] }]);
  await page.close();
});

test('↑/↓ with Enter, and Alt+2, pick other suggestions; Enter with none chosen is left to the page', async () => {
  const { page } = await open(
    `<form id="form"><label for="f">Mensaje</label><rnn-predict no-train corpus="${CORPUS}"><input id="f"></rnn-predict></form>`,
  );
  await page.evaluate(() => {
    (window as unknown as { __submits: number }).__submits = 0;
    document.getElementById('form')!.addEventListener('submit', (e) => {
      e.preventDefault();
      (window as unknown as { __submits: number }).__submits++;
    });
  });
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  const shown = await suggestions(page);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const active = await page.$eval('#f', (f) => f.getAttribute('aria-activedescendant'));
  assert.ok(active, 'aria-activedescendant is set');
  assert.equal(
    await page.$eval(`[id="${active}"]`, (o) =>
      [o.textContent, o.getAttribute('aria-selected'), o.getAttribute('part')].join('|'),
    ),
    `${shown[1]}|true|chip chip-active`,
  );
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#f'), `Hola cómo se siente ${shown[1]} `);
  assert.equal(
    await page.evaluate(() => (window as unknown as { __submits: number }).__submits),
    0,
    'Enter on a chosen suggestion does not submit',
  );
  await settle(page);
  await page.waitForFunction(
    () =>
      (document.querySelector('rnn-predict') as unknown as { currentSuggestions: string[] }).currentSuggestions.length >
      0,
  );
  const next = await suggestions(page);
  await page.keyboard.press('Alt+2');
  assert.equal(await page.inputValue('#f'), `Hola cómo se siente ${shown[1]} ${next[1]} `);
  await settle(page);
  await page.waitForFunction(
    () =>
      (document.querySelector('rnn-predict') as unknown as { currentSuggestions: string[] }).currentSuggestions.length >
      0,
  );
  await page.keyboard.press('Enter');
  assert.equal(
    await page.evaluate(() => (window as unknown as { __submits: number }).__submits),
    1,
    'Enter with no suggestion chosen submits the form',
  );
  await page.close();
});

test('Escape hides the suggestions; Tab then moves focus as usual; typing shows them again', async () => {
  const { page } = await open(`${INPUT}<button id="next">next</button>`);
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  assert.equal(await page.$eval('#f', (f) => f.getAttribute('aria-expanded')), 'true');
  await page.keyboard.press('Escape');
  await page.waitForFunction(
    () =>
      (document.querySelector('rnn-predict') as unknown as { currentSuggestions: string[] }).currentSuggestions
        .length === 0,
  );
  assert.equal(await page.$eval('#f', (f) => f.getAttribute('aria-expanded')), 'false');
  assert.equal(await page.$eval('[role=listbox]', (l) => (l as HTMLElement).hidden), true);
  // Still hidden once the frames after the key have passed (the caret did not move, nothing was typed).
  await settle(page);
  assert.deepEqual(await suggestions(page), []);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'next');
  assert.equal(await page.inputValue('#f'), 'Hola cómo se siente ');
  await page.click('#f');
  await page.keyboard.type('m');
  await page.waitForFunction(
    () =>
      (document.querySelector('rnn-predict') as unknown as { currentSuggestions: string[] }).currentSuggestions.length >
      0,
  );
  await page.close();
});

test('nothing is accepted during a CJK (non-Latin) IME composition or after a dead key', async () => {
  const { page } = await open(`${INPUT}<button id="next">next</button>`);
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  // A Japanese composition starts (simulated as an IME does: compositionstart/update, input with
  // isComposing). Latin compositions are completed (composition.test.ts); this one is the IME's.
  await page.evaluate(() => {
    const f = document.getElementById('f') as HTMLInputElement;
    f.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
    f.dispatchEvent(new CompositionEvent('compositionupdate', { bubbles: true, data: 'に' }));
    f.value += 'に';
    f.dispatchEvent(
      new InputEvent('input', { bubbles: true, isComposing: true, inputType: 'insertCompositionText', data: 'に' }),
    );
  });
  // The frames after the composition's input have passed: no prediction brought them back.
  await settle(page);
  assert.deepEqual(await suggestions(page), [], 'suggestions are hidden while composing');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#f'), 'Hola cómo se siente に');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'next', 'Tab was left to the page');
  // A keydown that says it is composing is ignored too, whatever the element thinks.
  await page.focus('#f');
  await page.evaluate(() => {
    const f = document.getElementById('f') as HTMLInputElement;
    f.dispatchEvent(new CompositionEvent('compositionupdate', { bubbles: true, data: 'にほ' }));
    f.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true, isComposing: true }));
    f.value = 'Hola cómo se siente ho';
    f.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: 'ho' }));
    f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertCompositionText', data: 'ho' }));
  });
  assert.equal(await page.inputValue('#f'), 'Hola cómo se siente ho');
  // After compositionend suggestions come back, completing "ho" (words shown before the
  // composition were passed over, so "hoy" may come after others).
  await page.waitForFunction(() => {
    const shown = (document.querySelector('rnn-predict') as unknown as { currentSuggestions: string[] })
      .currentSuggestions;
    return shown.length > 0 && shown.every((w) => w.startsWith('ho'));
  });
  // A dead key (´ before a vowel) holds suggestions back until the composed letter arrives.
  await page.evaluate(() => {
    const f = document.getElementById('f') as HTMLInputElement;
    f.dispatchEvent(new KeyboardEvent('keydown', { key: 'Dead', code: 'Quote', bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(
    () =>
      (document.querySelector('rnn-predict') as unknown as { currentSuggestions: string[] }).currentSuggestions
        .length === 0,
  );
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#f'), 'Hola cómo se siente ho');
  await page.close();
});

test('accepting in the middle of the text puts the word at the caret and the caret after it', async () => {
  const { page } = await open(INPUT);
  await page.click('#f');
  await page.keyboard.type('Hola cómo se sie bien');
  for (let i = 0; i < ' bien'.length; i++) await page.keyboard.press('ArrowLeft');
  await waitFor(page, 'siente');
  assert.equal((await suggestions(page))[0], 'siente');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#f'), 'Hola cómo se siente bien');
  const caret = await page.$eval('#f', (f: HTMLInputElement) => f.selectionStart);
  assert.equal(caret, 'Hola cómo se siente '.length, 'the caret lands after the word and its space');
  // Inside a word: the whole word is replaced, not only its letters before the caret.
  await page.$eval('#f', (f: HTMLInputElement) => {
    f.value = 'Gracias sientx, hasta luego';
    f.setSelectionRange(11, 11); // Gracias sie|ntx
    f.dispatchEvent(new Event('input', { bubbles: true }));
  });
  // The list from before the edit may still start with "sie": let this text's prediction render.
  await settle(page);
  await page.waitForFunction(() =>
    (
      document.querySelector('rnn-predict') as unknown as { currentSuggestions: string[] }
    ).currentSuggestions[0]?.startsWith('sie'),
  );
  const top = (await suggestions(page))[0]!;
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#f'), `Gracias ${top}, hasta luego`);
  assert.equal(await page.$eval('#f', (f: HTMLInputElement) => f.selectionStart), `Gracias ${top}`.length);
  await page.close();
});

test('ARIA combobox: roles and states, a polite live region with the count, and axe finds no violations', async () => {
  const { page, errors } = await open(`
    <h1>Prueba</h1>
    <label for="f">Mensaje</label><rnn-predict id="one" no-train corpus="${CORPUS}" ghost no-phrases><input id="f"></rnn-predict>
    <label for="t">Texto largo</label><rnn-predict id="two" no-train corpus="${CORPUS}"><textarea id="t"></textarea></rnn-predict>`);
  const aria = await page.$eval('#f', (f) =>
    ['role', 'aria-expanded', 'aria-autocomplete', 'aria-controls'].map((a) => f.getAttribute(a)),
  );
  assert.deepEqual(aria.slice(0, 3), ['combobox', 'false', 'list']);
  assert.equal(await page.$eval(`[id="${aria[3]}"]`, (l) => l.getAttribute('role')), 'listbox');
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  await page.keyboard.press('ArrowDown');
  // The live region says the top suggestion (what Tab inserts) and how many show.
  const top = (await suggestions(page, '#one'))[0];
  assert.equal(await page.$eval('#one [role=status]', (s) => s.textContent?.trim()), `${top}, 1 de 3`);
  assert.equal(await page.$eval('#one [role=status]', (s) => s.getAttribute('aria-live')), 'polite');
  // The active option resolves from the field (same root).
  assert.equal(
    await page.$eval('#f', (f) =>
      document.getElementById(f.getAttribute('aria-activedescendant')!)?.getAttribute('role'),
    ),
    'option',
  );
  // The textarea keeps its textbox role (no other role is allowed on it) with the list popup.
  assert.deepEqual(
    await page.$eval('#t', (t) => [
      t.getAttribute('role'),
      t.getAttribute('aria-autocomplete'),
      t.hasAttribute('aria-expanded'),
    ]),
    [null, 'list', false],
  );
  const run = () => axeViolations(page);
  assert.deepEqual(await run(), [], 'input with suggestions open');
  await page.click('#t');
  await page.keyboard.type('Muchas gracias por ');
  await page.waitForFunction(
    () => (document.getElementById('two') as unknown as { currentSuggestions: string[] }).currentSuggestions.length > 0,
  );
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await run(), [], 'textarea with suggestions open');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await run(), [], 'dark colour scheme');
  assert.deepEqual(errors, []);
  await page.close();
});

test('markup in the corpus or in a suggestion shows as text and runs nothing', async () => {
  // Serve the corpus through a route on a fresh page before it loads.
  const p = await env.browser.newPage();
  const errs: string[] = [];
  p.on('pageerror', (e) => errs.push(e.message));
  await p.route(`${env.origin}/widget/__xss__.txt`, (r) =>
    r.fulfill({
      contentType: 'text/plain; charset=utf-8',
      body: 'mira <img src=x onerror=window.__x=1> ahora\nmira <img src=x onerror=window.__x=1> ahora\nmira esto <script>window.__x=2</script>\n',
    }),
  );
  await p.route(`${env.origin}/widget/__xss__.html`, (r) =>
    r.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>x</title></head><body>
      <label for="f">Mensaje</label><rnn-predict no-train corpus="/widget/__xss__.txt"><input id="f"></rnn-predict>
      <label for="g">Otro</label><rnn-predict id="fake"><input id="g"></rnn-predict>
      <script type="module">
        import '/dist/rnn-predict.bundle.js';
        const words = ['<img src=x onerror=window.__x=3>', '<b>negrita</b>'];
        const fake = Object.assign(new EventTarget(), {
          ready: Promise.resolve(), neuralReady: new Promise(() => {}),
          predictNext: () => words.map((word) => ({ word, probability: 0.5 })),
          continue: () => [], info: () => ({ source: 'ngram', state: 'ngram', vocabularySize: 2, corpusHash: '', corpusLines: 0 }),
          train: async () => ({}), learn: async () => {}, save: async () => {}, delete: async () => {}, dispose: () => {},
        });
        document.getElementById('fake').predictor = fake;
      </script></body></html>`,
    }),
  );
  await p.goto(`${env.origin}/widget/__xss__.html`);
  await p.waitForFunction(() => customElements.get('rnn-predict'));
  await p.evaluate(() => (document.querySelector('rnn-predict') as unknown as { ready: Promise<void> }).ready);
  await p.click('#f');
  await p.keyboard.type('mira ');
  await p.waitForFunction(
    () =>
      (document.querySelector('rnn-predict') as unknown as { currentSuggestions: string[] }).currentSuggestions.length >
      0,
  );
  await p.click('#g');
  await p.keyboard.type('x ');
  await p.waitForFunction(() => [...document.querySelectorAll('#fake [role=option]')].length === 2);
  assert.deepEqual(await p.$$eval('#fake [role=option]', (os) => os.map((o) => o.textContent)), [
    '<img src=x onerror=window.__x=3>',
    '<b>negrita</b>',
  ]);
  await p.keyboard.press('Tab');
  assert.equal(await p.inputValue('#g'), 'x <img src=x onerror=window.__x=3> ');
  // The prediction after the insert has run and its chips are rendered.
  await settle(p);
  assert.equal(
    await p.evaluate(() => document.querySelectorAll('img, b, rnn-predict script').length),
    0,
    'no element was made from the text',
  );
  assert.equal(await p.evaluate(() => (window as unknown as { __x?: number }).__x), undefined, 'no handler ran');
  assert.deepEqual(
    errs.filter((e) => !/__xss__|Failed to load/.test(e)),
    [],
  );
  await p.close();
});

/** The page of the theming tests: a themed element with ghost text, an unthemed one in a
 * right-to-left block, and one defined under another tag name. */
const THEMED = `
    <style>
      rnn-predict::part(bar) { outline: 3px solid rgb(1, 2, 3); }
      #themed { --rnn-chip-bg: rgb(10, 20, 30); --rnn-chip-fg: rgb(250, 250, 250); --rnn-chip-radius: 3px; }
    </style>
    <label for="f">Mensaje</label><rnn-predict id="themed" no-train corpus="${CORPUS}" ghost no-phrases><input id="f"></rnn-predict>
    <div dir="rtl"><label for="r">RTL</label><rnn-predict id="rtl" no-train corpus="${CORPUS}"><input id="r"></rnn-predict></div>
    <label for="m">Otro nombre</label><my-predict id="mine" no-train corpus="${CORPUS}"><input id="m"></my-predict>
    <script type="module">
      import { define } from '/dist/rnn-predict.bundle.js';
      define('my-predict');
    </script>`;

/** Opens THEMED and types "Hola cómo se siente " into field `field`, until element `id` suggests something. */
async function openThemed(field: string, id: string): Promise<Page> {
  const { page } = await open(THEMED);
  await page.waitForFunction(() => customElements.get('my-predict'));
  await page.click(field);
  await page.keyboard.type('Hola cómo se siente ');
  await page.waitForFunction(
    (id) => (document.getElementById(id) as unknown as { currentSuggestions: string[] }).currentSuggestions.length > 0,
    id,
  );
  return page;
}

test('theming: CSS parts and custom properties style the bar and the chips', async () => {
  const page = await openThemed('#f', 'themed');
  const chip = await page.$eval('#themed [role=option]', (c) => {
    const s = getComputedStyle(c);
    return [s.backgroundColor, s.color, s.borderTopLeftRadius].join(' ');
  });
  assert.equal(chip, 'rgb(10, 20, 30) rgb(250, 250, 250) 3px');
  assert.equal(
    await page.$eval('#themed', (e) => getComputedStyle(e.shadowRoot!.querySelector('[part=bar]')!).outlineColor),
    'rgb(1, 2, 3)',
  );
  await page.close();
});

test('ghost text: the rest of the top suggestion after the caret, following the letters typed', async () => {
  const page = await openThemed('#f', 'themed');
  await waitFor(page, 'hoy');
  await settle(page);
  const top = (await suggestions(page, '#themed'))[0];
  assert.equal(await page.$eval('#themed', (e) => e.shadowRoot!.querySelector('[part=ghost]')?.textContent), top);
  await page.keyboard.type('h');
  // The top suggestion may already be 'hoy' before the 'h': wait for the ghost itself to show the rest.
  await page.waitForFunction(
    () => document.getElementById('themed')!.shadowRoot!.querySelector('[part=ghost]')?.textContent === 'oy',
  );
  assert.equal((await suggestions(page, '#themed'))[0], 'hoy');
  await page.close();
});

test('dark mode changes the default chip colours of an unthemed element', async () => {
  const page = await openThemed('#r', 'rtl');
  const light = await page.$eval('#rtl [role=option]', (c) => getComputedStyle(c).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.$eval('#rtl [role=option]', (c) => getComputedStyle(c).backgroundColor);
  assert.notEqual(light, dark);
  await page.close();
});

test('right-to-left: the bar runs from the right', async () => {
  const page = await openThemed('#r', 'rtl');
  assert.equal(await page.$eval('#rtl [role=listbox]', (l) => getComputedStyle(l).direction), 'rtl');
  await page.waitForFunction(() => document.querySelectorAll('#rtl [role=option]').length > 1);
  const [a, b] = await page.$$eval('#rtl [role=option]', (os) =>
    os.slice(0, 2).map((o) => o.getBoundingClientRect().left),
  );
  assert.ok(a! > b!, 'the first chip is on the right');
  await page.close();
});

test('another tag name (define) works the same', async () => {
  const page = await openThemed('#m', 'mine');
  await page.waitForFunction(() =>
    (document.getElementById('mine') as unknown as { currentSuggestions: string[] }).currentSuggestions.includes('hoy'),
  );
  await page.keyboard.press('Tab');
  assert.match(await page.inputValue('#m'), /^Hola cómo se siente \S+ $/);
  await page.close();
});

/** A form whose submit the page handles (it clears the field), with an element showing 5
 * suggestions that learns what is sent; typing "Hola cómo se siente " until "hoy" shows. */
async function openForm(): Promise<Page> {
  const { page } = await open(
    `<form id="form"><label for="f">Mensaje</label><rnn-predict id="el" no-train learn suggestions="5" corpus="${CORPUS}"><input id="f"></rnn-predict></form>`,
  );
  await recordAccepts(page);
  await page.evaluate(() =>
    document.getElementById('form')!.addEventListener('submit', (e) => {
      e.preventDefault();
      (document.getElementById('f') as HTMLInputElement).value = '';
    }),
  );
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  return page;
}

test('API: the suggestions attribute sets how many show; currentSuggestions lists them', async () => {
  const page = await openForm();
  await settle(page);
  assert.equal((await suggestions(page)).length, 5);
  assert.deepEqual(await suggestions(page), (await chips(page)).slice(0, 5));
  await page.close();
});

test('API: code changing the value or properties never fires rnn-accept', async () => {
  const page = await openForm();
  await page.$eval('#el', (el) => {
    (el as unknown as { suggestions: number }).suggestions = 2;
    (el.querySelector('input') as HTMLInputElement).value = 'Buenos días ';
    el.querySelector('input')!.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(
    () =>
      (document.getElementById('el') as unknown as { currentSuggestions: string[] }).currentSuggestions.length === 2,
  );
  assert.deepEqual(await accepts(page), []);
  await page.close();
});

test('API: learn: what the person sends (a form submit) is learned, and suggested next time', async () => {
  const page = await openForm();
  await page.fill('#f', 'zanahoria morada gigante');
  await page.keyboard.press('Enter');
  await page.click('#f');
  await page.keyboard.type('zanahoria ');
  await waitFor(page, 'morada');
  await page.close();
});

test("API: the predictor is reachable for info() (rnn-ready's detail)", async () => {
  const page = await openForm();
  const info = await page.$eval('#el', (el) =>
    (el as unknown as { predictor: { info(): { source: string; vocabularySize: number } } }).predictor.info(),
  );
  assert.equal(info.source, 'ngram');
  assert.ok(info.vocabularySize > 1000);
  await page.close();
});

test("API: lang sets the element's own words (the live region and the listbox's name)", async () => {
  const page = await openForm();
  await page.$eval('#el', (el) => el.setAttribute('lang', 'en'));
  await page.fill('#f', '');
  await page.keyboard.type('Hola cómo se siente ');
  await page.waitForFunction(() =>
    /^\S+, 1 of 5$/.test(document.querySelector('#el [role=status]')?.textContent ?? ''),
  );
  assert.equal(await page.$eval('#el [role=listbox]', (l) => l.getAttribute('aria-label')), 'Suggestions');
  await page.close();
});

test('a chat that sends on Enter: a chosen suggestion never reaches its handler; a send is learned; passwords are left alone', async () => {
  const { page } =
    await open(`<label for="t">Mensaje</label><rnn-predict id="el" no-train learn corpus="${CORPUS}"><textarea id="t"></textarea></rnn-predict>
    <label for="pw">Clave</label><rnn-predict id="pwel" no-train corpus="${CORPUS}"><input id="pw" type="password"></rnn-predict>`);
  await page.evaluate(() => {
    const w = window as unknown as { __sent: string[] };
    w.__sent = [];
    const t = document.getElementById('t') as HTMLTextAreaElement;
    t.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        w.__sent.push(t.value);
        t.value = '';
      }
    });
  });
  const sent = () => page.evaluate(() => (window as unknown as { __sent: string[] }).__sent);
  await page.click('#t');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.deepEqual(await sent(), [], 'Enter on a chosen suggestion did not send');
  assert.match(await page.inputValue('#t'), /^Hola cómo se siente \S+ $/);
  await page.fill('#t', 'la jirafa violeta baila');
  await page.keyboard.press('Enter');
  assert.deepEqual(await sent(), ['la jirafa violeta baila']);
  await page.keyboard.type('la jirafa ');
  await waitFor(page, 'violeta');
  // A password field gets no suggestions and no ARIA changes.
  await page.click('#pw');
  await page.keyboard.type('Hola cómo se siente ');
  await settle(page);
  assert.deepEqual(await suggestions(page, '#pwel'), []);
  assert.equal(await page.$eval('#pw', (f) => f.getAttribute('aria-autocomplete')), null);
  await page.close();
});

test('works under a strict Content-Security-Policy (no inline styles or scripts, no eval)', async () => {
  const csp =
    "default-src 'self'; script-src 'self'; style-src 'self'; worker-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'";
  const { page, errors } = await open(INPUT.replace('<rnn-predict', '<rnn-predict ghost'), {
    headers: { 'content-security-policy': csp },
  });
  await page.evaluate(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  // The chips are styled (the element's sheets are constructed, not inline).
  assert.notEqual(await page.$eval('[role=option]', (o) => getComputedStyle(o).borderTopLeftRadius), '0px');
  await page.keyboard.press('Tab');
  assert.match(await page.inputValue('#f'), /^Hola cómo se siente \S+ $/);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
  assert.deepEqual(
    errors.filter((e) => /Content Security Policy/i.test(e)),
    [],
  );
  await page.close();
});

test('moved, the element keeps its predictor; removed and put back, it makes a new one and works again', async () => {
  const { page } = await open(`${INPUT}<div id="elsewhere"></div>`);
  const same = await page.evaluate(() => {
    const el = document.querySelector('rnn-predict') as unknown as HTMLElement & { predictor: unknown };
    const before = el.predictor;
    document.getElementById('elsewhere')!.append(el);
    return el.predictor === before;
  });
  assert.equal(same, true);
  await page.evaluate(() => {
    const el = document.querySelector('rnn-predict') as unknown as HTMLElement & { predictor: unknown };
    (window as any).__el = el;
    (window as any).__old = el.predictor;
    el.remove();
  });
  // Off the page, it lets go of its predictor (a task later: a move would have kept it).
  await page.waitForFunction(() => (window as any).__el.predictor === undefined);
  const fresh = await page.evaluate(async () => {
    const el = (window as any).__el;
    document.querySelector('main')!.append(el);
    await el.ready;
    // `ready`, read at once, waited for the new predictor: it answers (it would throw before its own ready).
    return el.predictor !== (window as any).__old && el.predictor.predictNext('Hola ', { k: 1 }).length === 1;
  });
  assert.equal(fresh, true, 'ready waits for the new predictor');
  assert.equal(await page.$eval('#f', (f) => f.getAttribute('role')), 'combobox');
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  await page.close();
});

test('a bad corpus URL rejects ready and fires rnn-error instead of hanging', async () => {
  const { page } = await open(
    `<label for="f">Mensaje</label><rnn-predict no-train corpus="/widget/no-such-corpus.txt"><input id="f"></rnn-predict>`,
    { wait: false },
  );
  await page.waitForFunction(() => customElements.get('rnn-predict'));
  const message = await page.evaluate(() =>
    (document.querySelector('rnn-predict') as unknown as { ready: Promise<void> }).ready.then(
      () => 'resolved',
      (e: Error) => e.message,
    ),
  );
  assert.match(message, /no-such-corpus\.txt.*404/);
  await page.close();
});

/** In the page's head, before the bundle: records every listener added and not yet removed on
 * window.__live (target, type, capture), through EventTarget.prototype. */
const COUNT_LISTENERS = `<script>
(() => {
  const live = (window.__live = []);
  const capture = (o) => (typeof o === 'boolean' ? o : !!o?.capture);
  const find = (t, type, fn, c) => live.findIndex((l) => l.target === t && l.type === type && l.fn === fn && l.capture === c);
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, o) {
    if (fn && find(this, type, fn, capture(o)) < 0) live.push({ target: this, type, fn, capture: capture(o) });
    return add.call(this, type, fn, o);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, o) {
    const i = find(this, type, fn, capture(o));
    if (i >= 0) live.splice(i, 1);
    return remove.call(this, type, fn, o);
  };
})();
</script>`;

test('removed from the page, the element removes every listener it added to the field, its form, the document and itself, and gives the field its attributes back', async () => {
  const { page, errors } = await open(
    `<form id="form"><label for="f">Mensaje</label><rnn-predict id="el" no-train learn corpus="${CORPUS}"><input id="f" autocomplete="on"></rnn-predict></form>`,
    { head: COUNT_LISTENERS },
  );
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await waitFor(page, 'hoy');
  /** The live listeners on the field, the form, the document and the element, as "target type". */
  const wired = () =>
    page.evaluate(() => {
      const w = window as any;
      w.__targets ??= new Map<EventTarget, string>([
        [document.getElementById('f')!, 'field'],
        [document.getElementById('form')!, 'form'],
        [document, 'document'],
        [document.getElementById('el')!, 'element'],
      ]);
      return (w.__live as { target: EventTarget; type: string }[])
        .filter((l) => w.__targets.has(l.target))
        .map((l) => `${w.__targets.get(l.target)} ${l.type}`)
        .sort();
    });
  assert.deepEqual(await wired(), [
    'document selectionchange',
    'element keydown',
    'field click',
    'field compositionend',
    'field compositionstart',
    'field compositionupdate',
    'field focusin',
    'field focusout',
    'field input',
    'field keyup',
    'field scroll',
    'form submit',
  ]);
  // Removed: every one of them is gone at once, the suggestions are hidden, and the field's
  // attributes are the page's again.
  const removed = await page.evaluate(() => {
    const el = document.getElementById('el') as HTMLElement & { currentSuggestions: string[] };
    (window as any).__el = el;
    el.remove();
    const f = el.querySelector('input')!;
    const names = ['role', 'aria-expanded', 'aria-autocomplete', 'aria-controls', 'aria-activedescendant'];
    return { suggestions: el.currentSuggestions, attributes: [...names, 'autocomplete'].map((a) => f.getAttribute(a)) };
  });
  assert.deepEqual(await wired(), []);
  assert.deepEqual(removed, { suggestions: [], attributes: [null, null, null, null, null, 'on'] });
  // The field, put back in the form without the element, types and submits with nobody answering.
  await page.evaluate(() => {
    const form = document.getElementById('form')!;
    form.addEventListener('submit', (e) => e.preventDefault());
    form.append((window as any).__el.querySelector('input'));
  });
  await page.click('#f');
  await page.keyboard.type('la ');
  await page.evaluate(() => (document.getElementById('form') as HTMLFormElement).requestSubmit());
  await settle(page);
  assert.deepEqual(await wired(), ['form submit'], "only the page's own listener");
  assert.deepEqual(await page.evaluate(() => (window as any).__el.currentSuggestions), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('events are instances of the exported classes (RnnAcceptEvent …), bubble, are composed and carry the documented detail', async () => {
  // (tsx may wrap the named functions of the callbacks below in __name().)
  const { page, errors } = await open(`<label for="f">Mensaje</label><input id="f">`, {
    head: '<script>window.__name = (f) => f;</script>',
  });
  const result = await page.evaluate(async () => {
    const m = await import('/dist/rnn-predict.bundle.js' as string);
    const classes: Record<string, any> = {
      'rnn-ready': m.RnnReadyEvent,
      'rnn-progress': m.RnnProgressEvent,
      'rnn-model': m.RnnModelEvent,
      'rnn-error': m.RnnErrorEvent,
      'rnn-accept': m.RnnAcceptEvent,
      'rnn-remove': m.RnnRemoveEvent,
    };
    const seen: Event[] = [];
    for (const type of Object.keys(classes)) document.addEventListener(type, (e) => seen.push(e));
    const info = { source: 'ngram', state: 'ngram', vocabularySize: 3, corpusHash: '', corpusLines: 0 };
    const fake = Object.assign(new EventTarget(), {
      ready: Promise.resolve(),
      neuralReady: new Promise(() => {}),
      predictNext: () => ['uno', 'dos', 'tres'].map((word) => ({ word, probability: 0.3 })),
      continue: () => [],
      phrase: () => null,
      info: () => info,
      train: async () => info,
      learn: async () => {},
      forget: async () => {},
      learned: () => ({ messages: [], forgotten: [] }),
      save: async () => {},
      delete: async () => {},
      dispose: () => {},
    });
    // Inside a shadow root: the events cross it (composed) and reach the document (bubbles).
    const host = document.createElement('div');
    document.querySelector('main')!.append(host);
    const el = document.createElement('rnn-predict') as HTMLElement & { predictor: unknown; ready: Promise<void> };
    el.predictor = fake;
    el.append(document.getElementById('f')!, document.querySelector('label')!);
    host.attachShadow({ mode: 'open' }).append(el);
    await el.ready;
    (window as any).__fake = fake;
    (window as any).__seen = seen;
    (window as any).__classes = classes;
    return Object.entries(classes).map(([type, cls]) => [type, cls.type]);
  });
  for (const [type, constant] of result) assert.equal(constant, type, `${type}: the class's static type`);
  const field = page.locator('#f');
  await field.click();
  await page.keyboard.type('x ');
  await page.waitForFunction(() => document.querySelector('div')!.shadowRoot!.querySelectorAll('[role=option]').length);
  await page.keyboard.press('Tab');
  await page.waitForFunction(
    () => document.querySelector('div')!.shadowRoot!.querySelectorAll('[role=option]').length === 3,
  );
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+Delete');
  const events = await page.evaluate(() => {
    const fake = (window as any).__fake as EventTarget;
    const progress = { phase: 'batch', epoch: 1, epochs: 2, batch: 3, batches: 4, loss: 2.5, accuracy: 0.25 };
    const error = new Error('disk full');
    fake.dispatchEvent(new CustomEvent('progress', { detail: progress }));
    fake.dispatchEvent(new CustomEvent('model', { detail: { source: 'neural', state: 'neural' } }));
    fake.dispatchEvent(new CustomEvent('error', { detail: error }));
    fake.dispatchEvent(new CustomEvent('error', { detail: 'not an Error' }));
    const classes = (window as any).__classes as Record<string, any>;
    return ((window as any).__seen as CustomEvent[]).map((e) => ({
      type: e.type,
      instance: e instanceof classes[e.type] && e instanceof CustomEvent,
      bubbles: e.bubbles,
      composed: e.composed,
      detail:
        e.detail instanceof Error
          ? { error: e.detail.message, sameError: e.detail === error, cause: e.detail.cause ?? null }
          : e.detail,
    }));
  });
  const common = { instance: true, bubbles: true, composed: true };
  assert.deepEqual(events, [
    {
      type: 'rnn-ready',
      ...common,
      detail: { source: 'ngram', state: 'ngram', vocabularySize: 3, corpusHash: '', corpusLines: 0 },
    },
    { type: 'rnn-accept', ...common, detail: { word: 'uno', index: 0, kind: 'word', words: ['uno'] } },
    { type: 'rnn-remove', ...common, detail: { word: 'dos', index: 1 } },
    {
      type: 'rnn-progress',
      ...common,
      detail: { phase: 'batch', epoch: 1, epochs: 2, batch: 3, batches: 4, loss: 2.5, accuracy: 0.25 },
    },
    { type: 'rnn-model', ...common, detail: { source: 'neural', state: 'neural' } },
    { type: 'rnn-error', ...common, detail: { error: 'disk full', sameError: true, cause: null } },
    { type: 'rnn-error', ...common, detail: { error: 'not an Error', sameError: false, cause: 'not an Error' } },
  ]);
  assert.deepEqual(errors, []);
  await page.close();
});
