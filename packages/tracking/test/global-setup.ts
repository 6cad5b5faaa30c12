import type { TestProject } from 'vitest/node';
import { startMlflowServer } from './mlflow-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mlflowUri: string;
  }
}

/** One real MLflow server for the whole suite; tests that stop a server start their own. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startMlflowServer();
  project.provide('mlflowUri', server.uri);
  return () => server.stop();
}
