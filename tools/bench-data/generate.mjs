// Seeded generator of the benchmark files: base, contributed and benchmark parts that together
// hold the requested number of rows, 20 numeric columns (10 float, 9 int, a 0/1 label) and
// 2 string columns (an id and an e-mail address, the planted PII), as CSV and Parquet.
import { mkdirSync, openSync, writeSync, closeSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { Table as WasmTable, writeParquet, WriterPropertiesBuilder, Compression } from 'parquet-wasm';

/** Bumped whenever the files come out different, so kept files are generated again. */
export const GENERATOR_VERSION = 2;

function rng(seed) {
  let a = seed >>> 0, b = 0x9e3779b9, c = 0x243f6a88, d = 0xb7e15162;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  return next;
}

const FIRST = ['ana', 'ben', 'chen', 'dara', 'eli', 'fatma', 'gus', 'hana', 'ivan', 'jo', 'kemal', 'lea'];
const LAST = ['berg', 'garcia', 'kim', 'muller', 'novak', 'okafor', 'silva', 'smith'];

function makePart(random, prefix, n) {
  const cols = {};
  cols.id = new Array(n);
  cols.email = new Array(n);
  for (let i = 0; i < n; i++) {
    cols.id[i] = `${prefix}${String(i).padStart(7, '0')}`;
    cols.email[i] = `${FIRST[Math.floor(random() * FIRST.length)]}.${LAST[Math.floor(random() * LAST.length)]}${Math.floor(random() * 100000)}@example.com`;
  }
  for (let c = 0; c < 10; c++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = Math.round((random() * 200 - 100 + c) * 1000) / 1000;
    cols[`f${c}`] = v;
  }
  for (let c = 0; c < 9; c++) {
    const v = new Int32Array(n);
    for (let i = 0; i < n; i++) v[i] = Math.floor(random() * (10 + c * 100));
    cols[`i${c}`] = v;
  }
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) label[i] = (cols.f0[i] + cols.f1[i] * 0.5 + random() * 40 > 0) ? 1 : 0;
  cols.label = label;
  return cols;
}

/** Copies `count` random rows of `from` over random rows of `to` (duplicates, overlap, contamination). */
function plant(random, from, to, count) {
  const nf = from.id.length, nt = to.id.length;
  for (let k = 0; k < count; k++) {
    const s = Math.floor(random() * nf), t = Math.floor(random() * nt);
    for (const key of Object.keys(to)) to[key][t] = from[key][s];
  }
}

function writeCsv(path, cols) {
  const names = Object.keys(cols);
  const n = cols.id.length;
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  let buf = `${names.join(',')}\n`;
  const arrays = names.map((k) => cols[k]);
  for (let i = 0; i < n; i++) {
    let line = '';
    for (let c = 0; c < arrays.length; c++) line += (c ? ',' : '') + arrays[c][i];
    buf += `${line}\n`;
    if (buf.length > 1 << 22) { writeSync(fd, buf); buf = ''; }
  }
  writeSync(fd, buf);
  closeSync(fd);
  renameSync(tmp, path);
}

// Strings as plain UTF-8 columns, as pandas and pyarrow write them (tableFromArrays would
// dictionary-encode them, and a dictionary of a million distinct ids is not what users send).
function writePq(path, cols) {
  const table = new Table(Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, Array.isArray(v) ? vectorFromArray(v, new Utf8()) : vectorFromArray(v)])));
  const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build();
  const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), props);
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

export function generate(dir, totalRows, seed = 42) {
  mkdirSync(dir, { recursive: true });
  const random = rng(seed);
  const nBench = Math.round(totalRows * 0.1);
  const nBase = Math.round(totalRows * 0.45);
  const nContrib = totalRows - nBench - nBase;
  const base = makePart(random, 'B', nBase);
  const contributed = makePart(random, 'C', nContrib);
  const benchmark = makePart(random, 'T', nBench);
  plant(random, contributed, contributed, Math.round(nContrib * 0.01));
  plant(random, base, contributed, Math.round(nContrib * 0.005));
  plant(random, benchmark, contributed, Math.round(nContrib * 0.001));
  const parts = { base, contributed, benchmark };
  for (const [name, cols] of Object.entries(parts)) {
    writeCsv(join(dir, `${name}.csv`), cols);
    writePq(join(dir, `${name}.parquet`), cols);
  }
  return { base: nBase, contributed: nContrib, benchmark: nBench };
}
