export { createTracker } from './tracker.js';
export { syncJournal } from './sync.js';
export { TRACKING_ERROR_KINDS, TrackingError, type TrackingErrorCode, type TrackingErrorDetails } from './errors.js';
export { MlflowClient, datasetSourceJson, quoteFilterValue, type MlflowClientOptions, type Experiment, type LoggedModel, type RegisteredModel, type Run, type RunInfo, type ModelVersion } from './mlflow-client.js';
export { writeOnnxModelFolder, MODEL_FOLDER_PYTHON_PACKAGES, type OnnxColumnInput, type OnnxModelFolderOptions } from './mlflow-model-folder.js';
export type { ArtifactFile } from './artifacts.js';
export { MLFLOW_LIMITS, type Metric, type KeyValue } from './limits.js';
export { splitBatch, type LogBatch } from './batch-splitter.js';
export { readJournal, type JournalEntry } from './journal.js';
export { copyJournal } from './journal-copy.js';
export { JOURNAL_RUN_TAG, JOURNAL_OP_TAG, ERROR_TAG } from './delivery.js';
export type {
  DatasetInput,
  LoggedModelResult,
  LogModelOptions,
  ParamValue,
  RegisteredModelVersion,
  RegisterModelOptions,
  RunHandle,
  RunStatus,
  StartRunOptions,
  SyncOptions,
  SyncResult,
  Tracker,
  TrackerOptions,
  TrackingAuth,
} from './types.js';
export { maskUriCredentials, splitUriCredentials } from './uri-credentials.js';
