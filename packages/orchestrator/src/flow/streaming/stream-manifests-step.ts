import { join } from 'node:path';
import { manifestOverBatches, readBatchFiles, type DatasetManifest } from '@hokusai/data-integration';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import type { DatasetRole } from '../steps/load-step.js';
import type { ManifestsOutput } from '../steps/manifests-step.js';
import type { StreamLoadOutput } from './stream-load-step.js';
import { streamFolder } from './stream-folder.js';

/** The inputs' manifests built over their batches (content hash and distinct counts over disk partitions): the in-memory manifests, figure for figure. */
export function streamManifestsStep(flow: FlowContext, reads: Record<DatasetRole, Step<StreamLoadOutput>>): Step<ManifestsOutput> {
  return defineStep({
    name: 'manifests',
    reads,
    memoryMb: 300,
    run: async (ctx): Promise<ManifestsOutput> => {
      const manifestOf = (role: DatasetRole): Promise<DatasetManifest> => {
        const { source } = ctx.inputs[role];
        return manifestOverBatches(readBatchFiles(source.batches), { source_path: source.path, format: source.format, file_sha256: source.file_sha256 }, { dir: join(streamFolder(flow), 'manifests', role) });
      };
      // One input at a time: each holds one partition in memory.
      const base = await manifestOf('base');
      const contributed = await manifestOf('contributed');
      const benchmark = await manifestOf('benchmark');
      return { base, contributed, benchmark };
    },
  });
}
