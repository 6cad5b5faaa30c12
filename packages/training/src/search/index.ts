// `@hokusai/training/search`: hyperparameter search split into plain-data trials, for schedulers
// that run each trial as its own job (the orchestrator's search steps), and the search options
// schema a config composes. One-call search stays on the package root.
export { SearchOptionsSchema, type SearchOptions } from './search-options.js';
export { SearchSpaceSchema, ParamSpaceSchema, searchCandidates, type SearchSpace, type CandidateOptions } from './search-space.js';
export { searchHyperparameters, finishSearch, type SearchResult } from './hyperparameter-search.js';
export { laterRungCount, planRung, planSearch, searchTrialSpec, type SearchPlan, type SearchTrial } from './search-plan.js';
export { searchSplit, type SearchSplit, type SearchSplitOptions } from './search-split.js';
export { pickBest } from './pick-best.js';
export { runTrial, type TrialSpec, type TrialResult } from './run-trial.js';
export { runTrials } from './trial-pool.js';
export { TrialThreads } from './trial-threads.js';
export type { SearchMetric } from './validation-metric.js';
