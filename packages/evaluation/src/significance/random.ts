// The bootstrap's generator lives in @hokusai/core with the others; its stream is unchanged.
export { Xoshiro128Random as SeededRandom } from '@hokusai/core';
