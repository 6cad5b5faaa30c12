export { type ErrorKind, ERROR_KINDS, errnoKind } from './error-kind.js';
export {
  HokusaiError,
  HokusaiErrorJsonSchema,
  errorCode,
  errorKind,
  isRetryable,
  optionsOf,
  type ErrorLocation,
  type HokusaiErrorJson,
  type HokusaiErrorOptions,
} from './hokusai-error.js';
export { CORE_ERROR_KINDS, CoreError, type CoreErrorCode } from './core-errors.js';
export { writeFileAtomic, writeFileAtomicSync, writeViaTemporary, temporaryPathFor, temporaryWriterPid, type WriteFileAtomicOptions } from './write-file-atomic.js';
export { replaceFolderAtomic, type ReplaceFolderOptions } from './replace-folder.js';
export { sizeText } from './size-text.js';
export { DistinctScratch, distinctNumbers } from './distinct-numbers.js';
export { selectPositions } from './order-statistics.js';
export { postableView } from './postable-view.js';
export { hashPartitions, tableCapacity, type HashPartitions } from './hash-partitions.js';
export { PII_KEY_ENV, MIN_PII_KEY_LENGTH, assertPiiKey, piiKeyFromEnv } from './pii-key.js';
export { Sfc32Random } from './random/sfc32-random.js';
export { Xoshiro128State } from './random/xoshiro128-state.js';
export { Xoshiro128Random } from './random/xoshiro128-random.js';
export { Xoshiro128SplitMix64Random } from './random/xoshiro128-splitmix64-random.js';
export { builtScript } from './built-script.js';
export { fullCollection } from './full-collection.js';
export { utf8BytesHash } from './utf8-hash.js';
