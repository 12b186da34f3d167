#!/usr/bin/env node
// npm run bench:install: what a site that adds rnn-predict installs, and what its page downloads.
// Packs the built package (run `npm run build` first), installs the tarball into an empty
// folder as a site would (`npm install rnn-predict`: no optional peers, so no tfjs), and prints
// the size of node_modules, its largest packages, and the page's download (gzip -9 of the
// one-file bundle and the shipped model). With --train it installs tfjs beside it too, as a site
// that trains networks of its own (or runs `rnn-predict train`) does. Uses npm's cache first.
// Usage: node scripts/install-size.js [--train] [--json]
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repo = fileURLToPath(new URL('..', import.meta.url));
const train = process.argv.includes('--train');
const json = process.argv.includes('--json');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function sh(args, cwd) {
  const r = spawnSync(npm, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`npm ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return r.stdout;
}

/** Bytes of the files under `dir` (their lengths, not disk blocks; links not followed). */
function bytes(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) n += bytes(path);
    else if (entry.isFile()) n += lstatSync(path).size;
  }
  return n;
}

/** The packages directly under node_modules (scoped ones as @scope/name), with their bytes. */
function packages(modules) {
  const out = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue;
    const names = name.startsWith('@') ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name];
    for (const p of names) out.push({ name: p, bytes: bytes(join(modules, p)) });
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;

if (!existsSync(join(repo, 'dist/rnn-predict.bundle.js'))) {
  console.error('dist/ is missing: run "npm run build" first');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'rnn-predict-install-'));
try {
  const packed = sh(['pack', '--pack-destination', work, '--silent', '--ignore-scripts'], repo).trim();
  const tarball = join(work, packed.split('\n').pop().trim());
  const site = join(work, 'site');
  mkdirSync(site);
  writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'site', private: true }));
  const peers = Object.entries(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).peerDependencies);
  sh(
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      tarball,
      ...(train ? peers.map(([p, v]) => `${p}@${v}`) : []),
    ],
    site,
  );
  const modules = join(site, 'node_modules');
  const pkg = join(modules, 'rnn-predict');
  const result = {
    install: train ? 'rnn-predict and tfjs' : 'rnn-predict',
    tarball: lstatSync(tarball).size,
    nodeModules: bytes(modules),
    packages: packages(modules),
    tfjsInstalled: existsSync(join(modules, '@tensorflow/tfjs')),
    page: {
      bundle: gz(join(pkg, 'dist/rnn-predict.bundle.js')),
      model: gz(join(pkg, 'dist/models/es/model.json')) + gz(join(pkg, 'dist/models/es/weights.bin')),
    },
  };
  // Without tfjs the CLI still predicts, and train says what to install.
  const cli = (...args) =>
    spawnSync(process.execPath, [join(pkg, 'dist/cli.js'), ...args], { cwd: site, encoding: 'utf8' });
  const predicted = cli('predict', '--next', 'Hola cómo se siente');
  result.predicts = predicted.status === 0 ? predicted.stdout.split('\n')[1]?.split('\t')[0] : predicted.stderr.trim();
  if (!train) result.trainWithoutTfjs = cli('train', '--corpus', join(pkg, 'README.md'), '--out', 'm').stderr.trim();
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`npm install ${train ? `rnn-predict ${peers.map(([p]) => p).join(' ')}` : 'rnn-predict'}`);
    console.log(
      `  tarball ${mb(result.tarball)}; node_modules ${mb(result.nodeModules)} in ${result.packages.length} packages`,
    );
    console.log(`  tfjs installed: ${result.tfjsInstalled ? 'yes' : 'no'}`);
    for (const p of result.packages.slice(0, 6)) console.log(`  ${p.name.padEnd(32)} ${mb(p.bytes)}`);
    console.log(`  rnn-predict predict --next "Hola cómo se siente": ${result.predicts}`);
    if (result.trainWithoutTfjs) console.log(`  rnn-predict train: ${result.trainWithoutTfjs}`);
    const page = result.page.bundle + result.page.model;
    console.log(
      `the page downloads ${page.toLocaleString('en')} bytes gzip (${mb(page)}): rnn-predict.bundle.js ${(result.page.bundle / 1024).toFixed(1)} KB + the shipped model ${mb(result.page.model)}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
