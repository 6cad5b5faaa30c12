#!/usr/bin/env node
// hokusai-datagen --preset quickstart|1k|100k|1m|5m|20m [--seed N] [--formats csv,jsonl,parquet] --out <folder>
import { parseArgs } from 'node:util';
import { PRESETS } from './presets.js';
import { writeDataset, type OutputFormat } from './write-dataset.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'quickstart' },
    seed: { type: 'string' },
    formats: { type: 'string', default: 'csv' },
    out: { type: 'string' },
  },
});
const preset = PRESETS[values.preset ?? ''];
if (!preset || !values.out) {
  console.error(`usage: hokusai-datagen --preset ${Object.keys(PRESETS).join('|')} [--seed N] [--formats csv,jsonl,parquet] --out <folder>`);
  process.exit(2);
}
const formats = (values.formats ?? 'csv').split(',') as OutputFormat[];
for (const f of formats) {
  if (!['csv', 'jsonl', 'parquet'].includes(f)) {
    console.error(`unknown format "${f}": use csv, jsonl or parquet`);
    process.exit(2);
  }
}
const options = values.seed === undefined ? preset : { ...preset, seed: Number(values.seed) };
const written = await writeDataset(values.out, options, formats);
console.log(JSON.stringify({ out: values.out, ...options, formats, planted: written.planted }));
