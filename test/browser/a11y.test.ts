// Accessibility and looks of <rnn-predict> in Chromium: axe with a phrase showing (light, and
// dark on a page that sets its own background), the faded phrase words' contrast, what the live
// region says, the chip Tab inserts marked, 44 px touch targets on a phone, the ghost inside
// the field, and no trailing space from an accepted word in a submitted value.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeViolations, settle, startBrowser } from './helpers.js';

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => {
  env = await startBrowser();
});
after(async () => {
  await env?.close();
});

type El = HTMLElement & { ready: Promise<void>; currentSuggestions: string[]; currentPhrase: string };

const PHRASES = Array.from({ length: 30 }, () => 'me gusta mucho el café con leche').join('\n');
/** A page that sets its own colours, light and dark. */
const PAGE_STYLE = `<style>
  body { background: #fafafa; color: #111; font: 16px sans-serif; }
  input { font: inherit; padding: .4rem; }
  @media (prefers-color-scheme: dark) {
    :root { color-scheme: dark; }
    body { background: #15171c; color: #e6e6e6; }
    input { background: #20232b; color: #e6e6e6; border: 1px solid #555; }
  }
</style>`;

async function open(
  body: string,
  options: { corpus?: string; viewport?: { width: number; height: number }; touch?: boolean } = {},
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await env.browser.newContext({
    ...(options.viewport ? { viewport: options.viewport } : {}),
    ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
  });
  const page = await context.newPage();
  // tsx may wrap the named functions given to page.evaluate in __name().
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  const url = `${env.origin}/widget/__a11y_test__.html`;
  await page.route(`${env.origin}/__corpus__.txt`, (route) =>
    route.fulfill({ contentType: 'text/plain; charset=utf-8', body: options.corpus ?? PHRASES }),
  );
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>a11y</title><link rel="icon" href="data:,">${PAGE_STYLE}</head><body><main><h1>Prueba</h1>${body}</main>
<script type="module" src="/dist/rnn-predict.bundle.js"></script></body></html>`,
    }),
  );
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('rnn-predict') !== undefined);
  await page.evaluate(() => Promise.all([...document.querySelectorAll('rnn-predict')].map((e) => (e as El).ready)));
  return { page, close: () => context.close() };
}

const FIELD = `<label for="f">Mensaje</label><rnn-predict id="el" no-train ghost corpus="/__corpus__.txt"><input id="f"></rnn-predict>`;

/** The contrast of each ghost word's colour against the field's background (WCAG formula). */
const ghostContrasts = (page: Page) =>
  page.$eval('#el', (el) => {
    const rgb = (c: string) => (/rgba?\(([^)]+)\)/.exec(c)?.[1] ?? '0,0,0').split(/[\s,/]+/).map(Number);
    const lum = (c: number[]) => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    let bg = [255, 255, 255];
    for (let e: Element | null = document.getElementById('f'); e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if ((c[3] ?? 1) > 0.5) {
        bg = c;
        break;
      }
    }
    const ratio = (c: string) => {
      const [a, b] = [lum(rgb(c)), lum(bg)].sort((x, y) => y - x);
      return Math.round(((a! + 0.05) / (b! + 0.05)) * 100) / 100;
    };
    const words = [...el.shadowRoot!.querySelectorAll('[part~=ghost-word]')];
    // Each of the five levels a phrase word can fade to (level 0: the faintest), and the words shown.
    const mirror = el.shadowRoot!.querySelector('.mirror') as HTMLElement;
    const probe = document.createElement('span');
    mirror.append(probe);
    const levels = [0, 1, 2, 3, 4].map((i) => {
      probe.style.color = `var(--_rnn-ghost-${i})`;
      return ratio(getComputedStyle(probe).color);
    });
    probe.remove();
    return { levels, words: words.map((w) => ratio(getComputedStyle(w).color)) };
  });

test('axe finds nothing with a phrase showing, light and dark; every faded phrase word keeps 4.5:1', async () => {
  const { page, close } = await open(FIELD);
  await page.click('#f');
  await page.keyboard.type('Me gusta ');
  await settle(page); // the phrase for all the letters typed, not one from a frame between them
  await page.waitForFunction(() => (document.getElementById('el') as El).currentPhrase !== '');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // Re-placing the ghost reads the new colours: a letter that keeps the phrase, then its removal.
    const phrase = await page.$eval('#el', (e) => (e as El).currentPhrase);
    await page.keyboard.type('m');
    await page.waitForFunction(
      (p) => document.getElementById('el')!.shadowRoot!.querySelector('[part~=ghost]')?.textContent === p.slice(1),
      phrase,
    );
    await page.keyboard.press('Backspace');
    await page.waitForFunction(
      (p) => document.getElementById('el')!.shadowRoot!.querySelector('[part~=ghost]')?.textContent === p,
      phrase,
    );
    const { levels, words } = await ghostContrasts(page);
    assert.ok(words.length >= 2, `${scheme}: phrase words ${words}`);
    assert.ok(
      [...levels, ...words].every((c) => c >= 4.5),
      `${scheme}: contrasts of the levels ${levels}, of the words ${words}`,
    );
    assert.ok(
      levels.every((c, i) => i === 0 || c > levels[i - 1]!),
      `${scheme}: each level fainter than the one above (${levels})`,
    );
    assert.deepEqual(await axeViolations(page), [], scheme);
  }
  await close();
});

test('the live region says the top suggestion once per change ("hoy, 1 de 3"); the chip Tab inserts is marked', async () => {
  const { page, close } = await open(
    `<label for="f">Mensaje</label><rnn-predict id="el" no-train corpus="/dist/corpus/es-conversaciones.txt"><input id="f"></rnn-predict>`,
  );
  await page.evaluate(() => {
    const live = document.querySelector('#el [role=status]')!;
    (window as any).__said = [];
    new MutationObserver(() => (window as any).__said.push(live.textContent)).observe(live, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await page.waitForFunction(() => (document.getElementById('el') as El).currentSuggestions.includes('hoy'));
  const shown = await page.$eval('#el', (e) => (e as El).currentSuggestions);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const said: string[] = await page.evaluate(() => (window as any).__said.filter((t: string) => t !== ''));
  assert.equal(said.at(-1), `${shown[0]}, 1 de 3`);
  assert.ok(
    said.every((t, i) => i === 0 || t !== said[i - 1]),
    `never the same words twice in a row: ${JSON.stringify(said)}`,
  );
  // The top chip is what Tab inserts: selected and marked before any arrow key.
  const marks = await page.$$eval('#el [role=option]', (os) =>
    os.map((o) => [o.getAttribute('aria-selected'), o.getAttribute('part'), getComputedStyle(o).borderTopColor]),
  );
  assert.deepEqual(
    marks.map((m) => m.slice(0, 2)),
    [
      ['true', 'chip chip-default'],
      ['false', 'chip'],
      ['false', 'chip'],
    ],
  );
  assert.notEqual(marks[0]![2], marks[1]![2], 'the mark is visible (its border)');
  // ↓ moves the mark: one chip is selected at a time.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await page.$$eval('#el [role=option]', (os) => os.map((o) => o.getAttribute('aria-selected'))), [
    'false',
    'true',
    'false',
  ]);
  await close();
});

test('on a phone every chip is at least 44 × 44 px', async () => {
  const { page, close } = await open(
    `<label for="f">Mensaje</label><rnn-predict id="el" no-train corpus="/dist/corpus/es-conversaciones.txt"><input id="f"></rnn-predict>`,
    { viewport: { width: 390, height: 800 }, touch: true },
  );
  await page.tap('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await page.waitForFunction(() => (document.getElementById('el') as El).currentSuggestions.length === 3);
  const sizes = await page.$$eval('#el [role=option]', (os) =>
    os.map((o) => {
      const r = o.getBoundingClientRect();
      return [Math.round(r.width), Math.round(r.height)];
    }),
  );
  assert.ok(
    sizes.every(([w, h]) => w! >= 44 && h! >= 44),
    JSON.stringify(sizes),
  );
  await close();
});

test('the ghost never leaves the field: phrase words that do not fit are hidden, and → inserts only those shown', async () => {
  const { page, close } = await open(
    `<label for="f">Mensaje</label><rnn-predict id="el" no-train ghost corpus="/__corpus__.txt"><input id="f" style="width: 16rem"></rnn-predict>`,
  );
  await page.click('#f');
  // A long line: the phrase after it would run past the field's right edge.
  const start = 'hola hola ';
  await page.keyboard.type(`${start}me gusta `);
  await settle(page); // the phrase for all the letters typed, not one from a frame between them
  await page.waitForFunction(() => (document.getElementById('el') as El).currentPhrase !== '');
  const place = await page.$eval('#el', (el) => {
    const f = document.getElementById('f') as HTMLInputElement;
    const cs = getComputedStyle(f);
    const box = f.getBoundingClientRect();
    const right = box.right - parseFloat(cs.borderRightWidth) - parseFloat(cs.paddingRight);
    const ghost = el.shadowRoot!.querySelector('[part~=ghost]');
    const rects = ghost ? [...ghost.getClientRects()] : [];
    const words = [...el.shadowRoot!.querySelectorAll('[part~=ghost-word]')];
    return {
      over: Math.max(0, ...rects.map((r) => r.right - right)),
      shown: words.filter((w) => !(w as HTMLElement).hidden).map((w) => w.textContent!.trim()),
      hidden: words.filter((w) => (w as HTMLElement).hidden).length,
    };
  });
  assert.ok(place.over <= 0.5, `the ghost ends ${place.over}px past the field`);
  assert.ok(place.hidden > 0, 'some words were hidden to fit');
  await page.keyboard.press('ArrowRight');
  if (place.shown.length > 0) assert.equal(await page.inputValue('#f'), `${start}me gusta ${place.shown.join(' ')} `);
  await close();
});

test("an accepted word's trailing space never reaches a submitted value (form submit, Enter send)", async () => {
  const { page, close } = await open(
    `<form id="form"><label for="f">Mensaje</label><rnn-predict id="el" no-train corpus="/dist/corpus/es-conversaciones.txt"><input id="f" name="m"></rnn-predict></form>`,
  );
  await page.evaluate(() => {
    (window as any).__sent = [];
    document.getElementById('form')!.addEventListener('submit', (e) => {
      e.preventDefault();
      (window as any).__sent.push(new FormData(e.target as HTMLFormElement).get('m'));
    });
  });
  await page.click('#f');
  await page.keyboard.type('Hola cómo se siente ');
  await page.waitForFunction(() => (document.getElementById('el') as El).currentSuggestions.includes('hoy'));
  const top = (await page.$eval('#el', (e) => (e as El).currentSuggestions))[0];
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#f'), `Hola cómo se siente ${top} `, 'the space is there for the next word');
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.evaluate(() => (window as any).__sent), [`Hola cómo se siente ${top}`]);
  // A space the person typed is theirs: it stays.
  await page.fill('#f', 'hola ');
  await page.evaluate(() => (document.getElementById('form') as HTMLFormElement).requestSubmit());
  assert.deepEqual(await page.evaluate(() => (window as any).__sent), [`Hola cómo se siente ${top}`, 'hola ']);
  await close();
});
