export { canonicalJson } from './canonical-json.js';
export { sha256Hex } from './sha256.js';
export { merkleRoot, merkleProof, verifyMerkleProof, merkleLeafHash, type MerkleLeaf, type MerkleProof, type MerkleSibling } from './merkle.js';
export { writeFileAtomic } from './write-file-atomic.js';
export { jsonFileText } from './json-file-text.js';
export { ATTESTATION_ERROR_KINDS, AttestationError, type AttestationErrorCode } from './errors.js';
export { AttestationInputSchema, type AttestationInput } from './attestation-input.js';
export {
  buildAttestation,
  attestationLeaves,
  ATTESTATION_SCHEMA_VERSION,
  type Attestation,
  type AttestationBody,
  type AttestationProof,
  type AttestedPredictions,
  type AttestedPublication,
  type AttestedSetup,
  type BuildAttestationOptions,
  type BuiltAttestation,
} from './attestation.js';
export { COMMITMENT_SCHEME, MAX_CIRCUIT_N, WORD_BITS, commitPredictions, chunkAccumulator, type PredictionBits, type PredictionChunk, type PredictionCommitments } from './commitments.js';
export { predictionsDigest, startCommitments, type StartedCommitments } from './commit-threads.js';
export { writeAttestation, type WriteAttestationOptions } from './write-attestation.js';
export { verifyAttestation, type VerificationCheck, type VerificationReport, type VerifyAttestationOptions } from './verify-attestation.js';
export { buildZkOutputV1, type ZkOutputInfo } from './zk-output-v1.js';
export { compileSchemas, validateAttestationJson, validateZkOutputV1, schemaPath, ATTESTATION_SCHEMA_FILE, ZK_OUTPUT_V1_SCHEMA_FILE } from './schemas.js';
export { circuitHash, circuitSources, DEFAULT_CIRCUIT_N, CIRCUIT_NAME, PUBLIC_SIGNAL_NAMES } from './circuit-source.js';
export { proofFileNames, chunkProofFile, chunkPublicFile, VERIFICATION_KEY_FILE, type ProofFiles } from './groth16-prover.js';
export { KNOWN_CEREMONY_PTAU, knownCeremony, fileDigests } from './ptau-ceremonies.js';
export { shippedVerificationKeySha256, beaconFor } from './shipped-keys.js';
export { exportSolidityVerifier } from './solidity-verifier.js';
export { INSECURE_NOTE, defaultCacheDir } from './groth16-setup.js';
export { prepareZkSetup, type ZkSetupSummary } from './zk-setup.js';
export type { ProofPhase, ProofProgress, ProofProgressListener } from './proof-progress.js';
export { readLinearModel, linearModelUnsupported, onnxModelFamily, type LinearModel } from './onnx-linear-model.js';
export {
  benchmarkPlan,
  planWidth,
  quantizeBenchmark,
  quantizeModel,
  benchmarkCommitment,
  modelCommitment,
  chainRow,
  circuitLabels,
  labelMismatch,
  FEATURE_SCALE_BITS,
  WEIGHT_SCALE_BITS,
  QUANTIZATION_SCHEME,
  type BenchmarkPlan,
  type BenchmarkColumn,
  type BenchmarkColumns,
  type QuantizedBenchmark,
  type QuantizedModel,
  type LabelMismatch,
} from './linear-quantizer.js';
export { linearCircuitHash, linearCircuitSources, LINEAR_CIRCUIT_NAME, LINEAR_ROWS, LINEAR_FEATURES, LINEAR_LOGIT_BITS, LINEAR_PUBLIC_SIGNAL_NAMES } from './linear-circuit.js';
export { batchVerifyGroth16, type Groth16Statement } from './groth16-batch-verify.js';
export { openGroth16Prover, type Groth16Prover } from './groth16-provers.js';
export { nativeProverPath, type Groth16Proof } from './native-prover.js';
export { proveLinear, verifyLinearProofs, linearChunks, linearPublicSignals, LINEAR_VERIFICATION_KEY_SHA256, type LinearChunk, type LinearProofChunk, type LinearVerification } from './linear-prover.js';
export { buildInferenceProof, checkInferenceProof, inferenceColumns, inferenceStatementSha256, InferenceProofFileSchema, INFERENCE_PROOF_FILE, INFERENCE_PROOF_FORMAT, type InferenceProofFile, type InferenceProofInput } from './inference-proof-file.js';
