import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineForeachStep, defineStep, RunStore, runFlow, type OrchestratorError } from '../src/index.js';

const store = async (): Promise<RunStore> => new RunStore(await mkdtemp(join(tmpdir(), 'hokusai-step-ref-')));

// A small flow wired only through references: each step's inputs are typed from what it reads.
function squaresFlow() {
  const list = defineStep({ name: 'list', reads: {}, run: async () => [1, 2, 3] });
  const label = defineStep({ name: 'label', reads: {}, run: async () => ({ text: 'sum' }) });
  const square = defineForeachStep({
    name: 'square',
    reads: { list },
    foreach: 'list',
    run: async (ctx) => {
      expectTypeOf(ctx.item).toEqualTypeOf<number>();
      return ctx.item ** 2;
    },
  });
  const sum = defineStep({
    name: 'sum',
    reads: { squares: square, label, again: [list, list] },
    run: async (ctx) => {
      expectTypeOf(ctx.inputs.squares).toEqualTypeOf<number[]>();
      expectTypeOf(ctx.inputs.label).toEqualTypeOf<{ text: string }>();
      expectTypeOf(ctx.inputs.again).toEqualTypeOf<number[][]>();
      // @ts-expect-error a name the step does not read
      void ctx.inputs.list;
      return { [ctx.inputs.label.text]: ctx.inputs.squares.reduce((a, b) => a + b), lists: ctx.inputs.again.length };
    },
  });
  return { steps: { list, label, square, sum }, flow: { name: 'squares', steps: [list, label, square, sum] } };
}

describe('typed step references', () => {
  it('derives each step\'s inputs from its reads, in order, and the fan-out from the read it names', () => {
    const { steps } = squaresFlow();
    expect(steps.square.inputs).toEqual(['list']);
    expect(steps.square.foreach).toBe('list');
    expect(steps.sum.inputs).toEqual(['square', 'label', 'list', 'list']);
  });

  it('hands each step the outputs it reads by its own names, and reads the result through references', async () => {
    const { steps, flow } = squaresFlow();
    const result = await runFlow(flow, { store: await store(), runId: 'typed', params: {} });
    const sum = result.output(steps.sum);
    expectTypeOf(sum).toEqualTypeOf<{ [x: string]: number; lists: number }>();
    expect(sum).toEqual({ sum: 14, lists: 2 });
    expect(result.output(steps.square)).toEqual([1, 4, 9]);
    expectTypeOf(result.output(steps.square)).toEqualTypeOf<number[]>();
  });

  it('refuses a fan-out over a read that is not one step', () => {
    const list = defineStep({ name: 'list', reads: {}, run: async () => [1] });
    const count = defineStep({ name: 'count', reads: {}, run: async () => 1 });
    // @ts-expect-error `count` does not give a list to fan out over
    defineForeachStep({ name: 'bad', reads: { list, count }, foreach: 'count', run: async () => 0 });
    let error: OrchestratorError | undefined;
    try {
      // @ts-expect-error a list of steps is not one list
      defineForeachStep({ name: 'bad', reads: { lists: [list, list] }, foreach: 'lists', run: async () => 0 });
    } catch (e) {
      error = e as OrchestratorError;
    }
    expect(error?.code).toBe('HOKUSAI_FLOW_INVALID');
  });
});
