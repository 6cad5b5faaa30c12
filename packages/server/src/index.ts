export { startServer, type HokusaiServer, type ServerExtras } from './http-server.js';
export { ServerOptionsSchema, type ServerOptions, type ServerOptionsInput } from './server-options.js';
export { ApiKeyStore, SCOPES, hasScope, type Scope, type ApiKeyInfo } from './api-keys.js';
export { SERVER_ERROR_KINDS, SERVER_ERROR_STATUS, ServerError, type ServerErrorCode, type Problem, type ErrorKind } from './errors.js';
export { RunSettingsSchema, SubmitRunSchema } from './api-schemas.js';
export type { ServerRun, RunStatus } from './run-record.js';
export { jsonLogger, type Logger } from './logger.js';
