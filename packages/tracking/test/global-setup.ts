import type { TestProject } from 'vitest/node';
import { startMlflowServer } from '@hokusai/test-helpers';

declare module 'vitest' {
  export interface ProvidedContext {
    mlflowUri: string;
    spareMlflow: { uri: string; port: number; dir: string; pid: number };
  }
}

/**
 * Two real MLflow servers, started in parallel: one shared by the suite, and a spare that the
 * outage test stops mid-run and starts again on the same port and database.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [shared, spare] = await Promise.all([startMlflowServer(), startMlflowServer()]);
  project.provide('mlflowUri', shared.uri);
  project.provide('spareMlflow', { uri: spare.uri, port: spare.port, dir: spare.dir, pid: spare.pid });
  return async () => {
    await Promise.all([shared.stop(), spare.stop()]);
  };
}
