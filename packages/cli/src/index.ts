export { main, buildProgram } from './program.js';
export type { MainOptions } from './program.js';
export { EXIT, exitCodeFor } from './exit-codes.js';
export { resolveConfig, readConfigFile, mergeLayers, environmentLayer } from './config/load-config.js';
export { renderReportHtml } from './report/render-html.js';
export { ReportRenderError } from './report/report-error.js';
export { formatSummary } from './summary.js';
