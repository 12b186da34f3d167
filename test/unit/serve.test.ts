// The dev server (scripts/serve.js) the demo, the browser tests and bench:page load pages from:
// files under the served folders only, and validators as static hosts send them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
// @ts-expect-error plain JS module
import { startServer, fileFor } from '../../scripts/serve.js';

test('serves the package and answers a matching If-None-Match with 304; other folders are 404', async () => {
  const server: Server = await startServer(0);
  try {
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}/models/es/README.md`;
    const first = await fetch(url);
    assert.equal(first.status, 200);
    const etag = first.headers.get('etag');
    assert.ok(etag && first.headers.get('last-modified'), 'a validator');
    assert.ok((await first.text()).length > 0);
    const again = await fetch(url, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    const stale = await fetch(url, { headers: { 'if-none-match': '"0-0"' } });
    assert.equal(stale.status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/package.json`)).status, 404);
  } finally {
    server.close();
  }
  assert.equal(fileFor('/../package.json'), undefined);
});

test('the server serves another checkout when given its folder, and nothing outside it', () => {
  const other = resolve('/tmp/other-checkout');
  assert.equal(fileFor('/dist/rnn-predict.bundle.js', other), join(other, 'dist/rnn-predict.bundle.js'));
  assert.equal(fileFor('/', other), join(other, 'widget/demo/index.html'));
  assert.equal(fileFor('/dist/../../secret/dist/x.js', other), undefined);
  assert.equal(fileFor('/package.json', other), undefined);
});
