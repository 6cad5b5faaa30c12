// Training's generator lives in @hokusai/core with the others; its stream is unchanged. All
// randomness in training flows from one of these.
export { Xoshiro128SplitMix64Random as SeededRandom } from '@hokusai/core';
