export { SeededRandom } from './random.js';
export { COLUMNS, REGIONS, PLANS, drawCustomer, type CustomerRow } from './churn-model.js';
export { generateParts, partRows, plantPlan, type GenerateOptions, type GeneratedParts, type PartName, type PlantPlan, type Planted } from './generate.js';
export { PRESETS } from './presets.js';
export { writeDataset, type OutputFormat, type WrittenDataset } from './write-dataset.js';
export { writeCsv, writeJsonl, csvField } from './csv-writer.js';
export { writeParquetFile } from './parquet-writer.js';
