import type { TestProject } from 'vitest/node';
import { startMlflowServer, startPostgresServer } from '@hokusai/test-helpers';
import type { MlflowServer } from '@hokusai/test-helpers';

declare module 'vitest' {
  export interface ProvidedContext {
    mlflowUri: string;
    /** A server whose backend store is PostgreSQL (as MLflow runs in production). */
    mlflowPostgresUri: string;
    spareMlflow: { uri: string; port: number; dir: string; pid: number };
  }
}

/**
 * Three real MLflow servers, started in parallel: one shared by the suite (SQLite), one with a
 * PostgreSQL backend store on a throw-away cluster, and a spare that the outage test stops
 * mid-run and starts again on the same port and database.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = startPostgresServer();
  const started = await Promise.allSettled([startMlflowServer(), startMlflowServer(), postgres.then((pg) => startMlflowServer({ backendStoreUri: pg.url }))]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed !== undefined) {
    // One did not start (MLflow missing, say): stop the others, the PostgreSQL cluster included,
    // so that a failed setup leaves no server running.
    await Promise.allSettled([...started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)), postgres.then((pg) => pg.stop())]);
    throw failed.reason;
  }
  const [shared, spare, pgServer] = started.map((s) => (s as PromiseFulfilledResult<MlflowServer>).value) as [MlflowServer, MlflowServer, MlflowServer];
  project.provide('mlflowUri', shared.uri);
  project.provide('mlflowPostgresUri', pgServer.uri);
  project.provide('spareMlflow', { uri: spare.uri, port: spare.port, dir: spare.dir, pid: spare.pid });
  return async () => {
    await Promise.all([shared.stop(), spare.stop(), pgServer.stop()]);
    await (await postgres).stop();
  };
}
