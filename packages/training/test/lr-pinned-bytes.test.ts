import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { trainModel } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

// The objective's loops are tuned for speed; these pins say the tuning kept every bit: the
// SHA-256 of the ONNX bytes fitted before it, with 5 features (one of them one-hot into 4
// columns, so the feature loops take a group of four and a remainder) and with nulls.
describe('logistic regression bytes', () => {
  it('fits the same ONNX bytes as before the objective was tuned (binary)', async () => {
    const model = await trainModel(syntheticTable({ rows: 4000, seed: 7, nullRate: 0.05 }), { target: 'churned', seed: 1, exclude: ['customer_id'] });
    expect(createHash('sha256').update(model.onnx).digest('hex')).toBe('c8ea41cc24040db6c0a1be95842ce6143bb0e2da630602bd5dbac797437c3142');
  });

  it('fits the same ONNX bytes as before the objective was tuned (three classes)', async () => {
    const model = await trainModel(syntheticTable({ rows: 3000, seed: 9, classes: 3 }), { target: 'churned', seed: 1, exclude: ['customer_id'] });
    expect(createHash('sha256').update(model.onnx).digest('hex')).toBe('e767c997038ef6f59e7ed121cb0297dec6a51b36c0823875a3183dc4155beb2a');
  });
});
