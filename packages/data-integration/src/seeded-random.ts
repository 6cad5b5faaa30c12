// The sampling generator lives in @hokusai/core with the others; its stream is unchanged.
export { Sfc32Random as SeededRandom } from '@hokusai/core';
