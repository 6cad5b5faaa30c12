export { freePort } from './free-port.js';
export { postedAcross } from './posted-across.js';
export { startMlflowServer, type MlflowServer } from './mlflow-server.js';
export { startRedisServer, redisServerBinary, type RedisServer } from './redis-server.js';
export { startPostgresServer, type PostgresServer } from './postgres-server.js';
export { inspectPackageSurface, type PackageSurface } from './package-surface.js';
export { undocumentedExports, exportedNames } from './readme-surface.js';
