/**
 * Issue 30: downloads that end, files from where they may come, counts checked before anything
 * is allocated. A hostile server on 127.0.0.1 serves the shipped model's files, lies and stalls.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { fetchModelArtifacts, loadModelFromUrl } from '../../src/sdk/load-url.js';
import { download } from '../../src/sdk/download.js';

const JSON_TEXT = readFileSync(new URL('../../models/es/model.json', import.meta.url), 'utf8');
const WEIGHTS = readFileSync(new URL('../../models/es/weights.bin', import.meta.url));
let server: Server;
let origin = '';
/** What the server answers for a path: set per test. */
const routes = new Map<string, (res: import('node:http').ServerResponse) => void>();

before(async () => {
  server = createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (route) route(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  origin = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const json = (edit: (j: any) => void = () => {}) => {
  const j = JSON.parse(JSON_TEXT);
  edit(j);
  return JSON.stringify(j);
};
const serve = (dir: string, modelJson: string, weights: Uint8Array = WEIGHTS) => {
  routes.set(`/${dir}/model.json`, (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(modelJson));
  routes.set(`/${dir}/weights.bin`, (res) => res.writeHead(200).end(weights));
};

test('the shipped model loads from the server as it is', async () => {
  serve('ok', json());
  const m = await loadModelFromUrl(`${origin}/ok/`);
  assert.ok(m.vocabulary.size > 1000);
});

test('a body that never ends is cut off at the cap, a stalled one at the stall timeout', async () => {
  routes.set('/endless', (res) => {
    res.writeHead(200);
    const chunk = Buffer.alloc(64 * 1024, 32);
    const timer = setInterval(() => res.write(chunk), 1);
    res.on('close', () => clearInterval(timer));
  });
  await assert.rejects(download(new URL(`${origin}/endless`), fetch, { maxBytes: 1e6, stallSeconds: 5, what: 'x' }), {
    name: 'DownloadError',
    message: new RegExp(`^${origin}/endless: the x grew past 1000000 bytes`),
  });
  // A Content-Length that lies, then silence.
  routes.set('/liar', (res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('abc');
  });
  await assert.rejects(download(new URL(`${origin}/liar`), fetch, { maxBytes: 1e6, stallSeconds: 0.3, what: 'x' }), {
    name: 'TimeoutError',
    message: new RegExp(`^${origin}/liar: the x stalled: no data for 0.3 s`),
  });
  // A declared size over the cap is refused before reading.
  routes.set('/huge', (res) => {
    res.writeHead(200, { 'content-length': String(500e6) });
    res.write('a');
  });
  await assert.rejects(download(new URL(`${origin}/huge`), fetch, { maxBytes: 1e6, stallSeconds: 5, what: 'x' }), {
    message: /has 500000000 bytes, at most 1000000 expected/,
  });
});

test('weights larger than model.json declares are refused, naming the file', async () => {
  serve('big', json(), new Uint8Array(WEIGHTS.length + 200 * 1024));
  await assert.rejects(fetchModelArtifacts(`${origin}/big/`), {
    name: 'DownloadError',
    message: new RegExp(`^${origin}/big/weights.bin: the weights grew past`),
  });
});

test(
  'weights whose URL is known download alongside model.json, held to its declared size',
  { timeout: 20_000 },
  async () => {
    // model.json answers only once the weights have been asked for: in turn, this would never end.
    let weightsAsked!: () => void;
    const asked = new Promise<void>((r) => (weightsAsked = r));
    routes.set('/early/model.json', (res) => {
      void asked.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end(json()));
    });
    routes.set('/early/w.bin', (res) => {
      weightsAsked();
      res.writeHead(200).end(WEIGHTS);
    });
    const weights = new URL(`${origin}/early/w.bin`);
    const artifacts = await fetchModelArtifacts(`${origin}/early/`, { weights, stallSeconds: 5 });
    assert.equal(artifacts.weightData.byteLength, WEIGHTS.length);
    // Larger than declared: refused, though the early download's own cap is far higher.
    routes.set('/early/big.bin', (res) => res.writeHead(200).end(new Uint8Array(WEIGHTS.length + 200 * 1024)));
    routes.set('/early/model.json', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(json()));
    await assert.rejects(fetchModelArtifacts(`${origin}/early/`, { weights: new URL(`${origin}/early/big.bin`) }), {
      name: 'DownloadError',
      message: new RegExp(`^${origin}/early/big.bin: the weights grew past`),
    });
    // model.json fails: its error is the one reported, and the weights' download is ended.
    let closed!: () => void;
    const weightsClosed = new Promise<void>((r) => (closed = r));
    routes.set('/early/slow.bin', (res) => {
      res.writeHead(200);
      res.write(WEIGHTS.subarray(0, 1024));
      res.on('close', () => closed());
    });
    routes.set('/early/model.json', (res) => res.writeHead(200).end('not json'));
    await assert.rejects(fetchModelArtifacts(`${origin}/early/`, { weights: new URL(`${origin}/early/slow.bin`) }), {
      name: 'ModelFormatError',
      message: /is not JSON/,
    });
    await weightsClosed;
  },
);

test('a signal ends a model download: both files stop, the reason is the cause', { timeout: 20_000 }, async () => {
  // model.json and the weights start, send a little, then hold the line open.
  const closedPaths: string[] = [];
  let started!: () => void;
  const bothStarted = new Promise<void>((r) => (started = r));
  let open = 0;
  for (const path of ['/held/model.json', '/held/w.bin'])
    routes.set(path, (res) => {
      res.writeHead(200);
      res.write(' ');
      res.on('close', () => closedPaths.push(path));
      if (++open === 2) started();
    });
  const stop = new AbortController();
  const loading = fetchModelArtifacts(`${origin}/held/`, {
    weights: new URL(`${origin}/held/w.bin`),
    stallSeconds: 10,
    signal: stop.signal,
  });
  await bothStarted;
  const reason = new Error('not needed');
  stop.abort(reason);
  await assert.rejects(loading, (e: Error) => e.name === 'DownloadError' && e.cause === reason);
  // Both connections are closed by the client, long before the stall timeout.
  for (let i = 0; i < 100 && closedPaths.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(closedPaths.sort(), ['/held/model.json', '/held/w.bin']);
  // Already aborted: nothing is fetched.
  await assert.rejects(fetchModelArtifacts(`${origin}/held/`, { signal: stop.signal }), { name: 'DownloadError' });
});

test('weights only from model.json origin; never a local file from a remote model.json', async () => {
  serve(
    'other',
    json((j) => (j.weightsManifest[0].paths = ['http://localhost:1/weights.bin'])),
  );
  await assert.rejects(fetchModelArtifacts(`${origin}/other/`), { message: /weights on another origin/ });
  serve(
    'passwd',
    json((j) => (j.weightsManifest[0].paths = ['file:///etc/passwd'])),
  );
  await assert.rejects(fetchModelArtifacts(`${origin}/passwd/`), {
    name: 'DownloadError',
    message: /may not name file: files/,
  });
});

test('a file: model.json may not name a device or a directory', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/hostile-`);
  writeFileSync(
    `${dir}/model.json`,
    json((j) => (j.weightsManifest[0].paths = ['file:///dev/zero'])),
  );
  await assert.rejects(fetchModelArtifacts(new URL(`file://${dir}/model.json`)), {
    message: /not a regular file/,
  });
  writeFileSync(
    `${dir}/model.json`,
    json((j) => (j.weightsManifest[0].paths = ['file:///tmp/'])),
  );
  await assert.rejects(fetchModelArtifacts(new URL(`file://${dir}/model.json`)), {
    message: /not a regular file/,
  });
});

test('a row count that lies is refused before anything is sized by it', async () => {
  serve(
    'rows',
    json((j) => {
      const spec = j.weightsManifest[0].weights.find((w: any) => w.name === 'ngram/trigrams');
      spec.shape[0] = 2 ** 28;
    }),
  );
  const used = process.memoryUsage().arrayBuffers;
  await assert.rejects(loadModelFromUrl(`${origin}/rows/`), {
    name: 'ModelFormatError',
    message: new RegExp(`^${origin}/rows/model.json: .*ngram/trigrams claims 268435456 rows`),
  });
  assert.ok(process.memoryUsage().arrayBuffers - used < 200e6, 'no buffer sized by the lie');
});

test('a vocabulary with an empty, a duplicate or an over-long token is refused by index and file', async () => {
  for (const [bad, pattern] of [
    ['', /token 10 is empty/],
    ['x'.repeat(1000), /token 10 is 1000 characters long/],
  ] as const) {
    serve(
      'vocab',
      json((j) => (j.modelTopology.vocabulary.tokens[10] = bad)),
    );
    await assert.rejects(loadModelFromUrl(`${origin}/vocab/`), {
      name: 'ModelFormatError',
      message: new RegExp(`^${origin}/vocab/model.json: .*${pattern.source}`),
    });
  }
  serve(
    'dup',
    json((j) => (j.modelTopology.vocabulary.tokens[11] = j.modelTopology.vocabulary.tokens[10])),
  );
  await assert.rejects(loadModelFromUrl(`${origin}/dup/`), { message: /token 11 .* appears twice \(also at 10\)/ });
});
