import { loadDataset } from '@hokusai/data-integration';
let t = performance.now();
const d = await loadDataset(process.argv[2]);
const a = performance.now() - t; t = performance.now();
d.manifest;
console.log('load', a.toFixed(0), 'manifest', (performance.now() - t).toFixed(0));
