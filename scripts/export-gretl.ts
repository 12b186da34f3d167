/**
 * Exports the development series of data/gretl/ (issue #33's sixth round) from gretl's sample
 * data, once; data/README.md gives the rule that chose them. gretl's data ships in Debian's
 * `gretl-data` package (GPL-3); it need not be installed, only unpacked:
 *
 *   apt-get download gretl-data && dpkg -x gretl-data_*.deb /tmp/gretl
 *   node --import tsx scripts/export-gretl.ts /tmp/gretl/usr/share/gretl/data
 *
 * A .gdt file is gretl's XML (sometimes gzipped): <gretldata frequency="12" startobs="1975:01">,
 * <variables> in order, then one <obs> per period with the values separated by spaces.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

const root = process.argv[2];
if (!root) {
  console.error(
    'usage: node --import tsx scripts/export-gretl.ts GRETL_DATA_DIR (e.g. /tmp/gretl/usr/share/gretl/data)',
  );
  process.exit(2);
}

/** file name → [gretl file, variable, value column]. */
const SERIES: Record<string, [string, string, string]> = {
  'swiss-pharma-exports-quarterly': ['misc/swisspharma.gdt', 'exportsq', 'chf_millions'],
  'swiss-pharma-imports-quarterly': ['misc/swisspharma.gdt', 'importsq', 'chf_millions'],
  'san-diego-residential-kwh-quarterly': ['ramanathan/data9-3.gdt', 'reskwh', 'kwh_millions'],
  'san-diego-electricity-price-quarterly': ['ramanathan/data9-3.gdt', 'price', 'cents_per_kwh'],
  'san-diego-cooling-degree-days-quarterly': ['ramanathan/data9-3.gdt', 'cdd', 'degree_days'],
  'san-diego-heating-degree-days-quarterly': ['ramanathan/data9-3.gdt', 'hdd', 'degree_days'],
  'italy-cpi': ['misc/hamilton.gdt', 'PC6IT', 'index'],
  'euro-area-hicp-quarterly': ['misc/AWM18.gdt', 'HICP', 'index'],
  'nyse-share-volume': ['ramanathan/data9-11.gdt', 'volume', 'shares_millions'],
  'us-consumer-expectations': ['ramanathan/data9-11.gdt', 'cexpect', 'index'],
  'us-installment-credit': ['ramanathan/data9-12.gdt', 'credit', 'dollars_millions'],
};

function readGdt(path: string) {
  let raw = readFileSync(path);
  if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
  const xml = raw.toString('utf8');
  const head = /<gretldata[^>]*>/.exec(xml)![0];
  const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(head)?.[1];
  const frequency = Number(attr('frequency'));
  const start = attr('startobs')!;
  const names = [...xml.matchAll(/<variable\s+name="([^"]+)"/g)].map((m) => m[1]!);
  const rows = [...xml.matchAll(/<obs[^>]*>([^<]*)<\/obs>/g)].map((m) => m[1]!.trim().split(/\s+/).map(Number));
  return { frequency, start, names, rows };
}

for (const [file, [gdt, variable, column]] of Object.entries(SERIES)) {
  const { frequency, start, names, rows } = readGdt(join(root, gdt));
  const j = names.indexOf(variable);
  if (j < 0) throw new Error(`${gdt}: no variable "${variable}" (has ${names.join(', ')})`);
  if (frequency !== 12 && frequency !== 4) throw new Error(`${gdt}: frequency ${frequency}, expected 12 or 4`);
  const [year0, period0] = start.split(/[:.]/).map(Number) as [number, number];
  const lines = rows.map((r, i) => {
    const k = period0 - 1 + i;
    const year = year0 + Math.floor(k / frequency);
    const p = (k % frequency) + 1;
    const v = r[j]!;
    if (!Number.isFinite(v) || v === -999) throw new Error(`${gdt} ${variable}: missing value at row ${i}`);
    return `${frequency === 12 ? `${year}-${String(p).padStart(2, '0')}` : `${year}-Q${p}`},${v}`;
  });
  const header = `${frequency === 12 ? 'month' : 'quarter'},${column}`;
  writeFileSync(join('data', 'gretl', `${file}.csv`), `${header}\n${lines.join('\n')}\n`);
  console.log(
    `${file.padEnd(42)} ${gdt} ${variable}: ${lines.length} points, ${lines[0]!.split(',')[0]} … ${lines.at(-1)!.split(',')[0]}`,
  );
}
