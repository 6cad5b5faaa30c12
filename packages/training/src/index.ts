export { TrainingError, type TrainingErrorCode } from './errors.js';
export { encodeLabels, type ClassLabel } from './labels.js';
export { trainModel, type ModelMetadata, type TrainedModel, type TrainHooks } from './train-model.js';
export type { TrainOptions } from './train-options.js';
export { loadOnnxModel, type OnnxModel, type LoadOnnxOptions } from './onnx-model.js';
export { registerModel, registeredModels } from './registry.js';
export type { Model, ModelFactory, FittedModel, TrainingData, TrainContext, CheckpointSink } from './model-interface.js';
export { OnnxGraph, type OnnxAttribute, type OnnxTensorData, type OnnxElementType } from './onnx/onnx-graph.js';
export { SeededRandom } from './seeded-random.js';
