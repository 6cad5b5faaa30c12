import { OrchestratorError } from '../../errors.js';
import type { FlowContext } from '../flow-context.js';

/** The run's work folder, where a streaming run keeps its batch files and partitions. */
export function streamFolder(flow: FlowContext): string {
  if (flow.workDir === undefined) throw new OrchestratorError('HOKUSAI_FLOW_INVALID', 'A streaming run needs a work folder for its batch files; this flow was built without one.');
  return flow.workDir;
}
