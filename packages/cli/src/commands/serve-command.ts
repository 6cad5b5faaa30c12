import type { Command } from 'commander';
import { resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import { renderReportHtml } from '../report/render-html.js';
import type { Output } from '../output.js';

/** The server's state folder: `--state`, else $HOKUSAI_SERVER_STATE, else .hokusai/server. */
const stateDir = (flag: string | undefined): string => resolve(flag ?? process.env.HOKUSAI_SERVER_STATE ?? '.hokusai/server');

const integer = (name: string, value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError('HOKUSAI_USAGE', `${name} must be a whole number, not ${JSON.stringify(value)}.`);
  return n;
};

interface ServeFlags {
  host: string;
  port: string;
  state?: string;
  data?: string;
  redis?: string;
  tlsCert?: string;
  tlsKey?: string;
  trustProxy?: boolean;
  concurrentRuns: string;
  uploadLimitMb: string;
  rateLimit: string;
}

export function registerServeCommand(program: Command, output: Output): void {
  const serve = program
    .command('serve')
    .description('serve the HTTP API (OpenAPI at /openapi.json), the dashboard and /metrics; runs go to `hokusai worker` processes when --redis is given')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port', '8080')
    .option('--state <folder>', 'API keys, run records, uploads and outputs (default $HOKUSAI_SERVER_STATE or .hokusai/server)')
    .option('--data <folder>', 'allow-listed folder whose files submissions may name')
    .option('--redis <url>', 'run the steps on `hokusai worker` processes through this Redis (BullMQ)')
    .option('--tls-cert <file>', 'certificate (PEM) to serve HTTPS directly')
    .option('--tls-key <file>', 'private key (PEM) for --tls-cert')
    .option('--trust-proxy', 'take the client address from X-Forwarded-For (behind a reverse proxy)')
    .option('--concurrent-runs <n>', 'runs driven at once', '1')
    .option('--upload-limit-mb <n>', 'largest uploaded file, in MiB', '512')
    .option('--rate-limit <n>', 'requests per minute per API key', '600')
    .addHelpText(
      'after',
      '\nExamples:\n  hokusai serve keys create --name ops --scope admin\n  hokusai serve --data ./incoming --redis redis://127.0.0.1:6379\n  hokusai worker --redis redis://127.0.0.1:6379',
    )
    .action(async (flags: ServeFlags) => {
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
        throw new CliError('HOKUSAI_USAGE', '--tls-cert and --tls-key go together.');
      }
      const { startServer } = await import('@hokusai/server');
      const server = await startServer(
        {
          host: flags.host,
          port: integer('--port', flags.port),
          stateDir: stateDir(flags.state),
          ...(flags.data === undefined ? {} : { dataDir: resolve(flags.data) }),
          ...(flags.redis === undefined ? {} : { redisUrl: flags.redis }),
          ...(flags.tlsCert === undefined || flags.tlsKey === undefined ? {} : { tls: { cert: flags.tlsCert, key: flags.tlsKey } }),
          trustProxy: flags.trustProxy === true,
          limits: {
            concurrentRuns: Math.max(1, integer('--concurrent-runs', flags.concurrentRuns)),
            uploadBytes: Math.max(1, integer('--upload-limit-mb', flags.uploadLimitMb)) * 1024 * 1024,
            requestsPerMinute: Math.max(1, integer('--rate-limit', flags.rateLimit)),
          },
        },
        { renderReport: renderReportHtml },
      );
      output.log(`hokusai serve: listening on ${server.url} (dashboard ${server.url}/, API ${server.url}/openapi.json); stop with Ctrl-C`);
      await new Promise<void>((done) => {
        const stop = (): void => {
          output.log('hokusai serve: stopping (running runs are cancelled at their next step)');
          void server.close().then(done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      output.result({ stopped: true, url: server.url }, 'hokusai serve: stopped');
    });

  // `serve` has its own --state, which commander gives to `serve` even when written after `keys …`.
  const keysState = (flags: { state?: string }): string => stateDir(flags.state ?? serve.opts<{ state?: string }>().state);
  const keys = serve
    .command('keys')
    .description('API keys: create, list, revoke (kept hashed in the state folder)')
    .addHelpText('after', '\nExamples:\n  hokusai serve keys create --name acme --scope runs:submit runs:read --contributor acme\n  hokusai serve keys list\n  hokusai serve keys revoke <id>');
  keys
    .command('create')
    .description('make an API key; it is printed once and never stored')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--scope <scope...>', 'runs:submit, runs:read, benchmarks:write or admin (several allowed)')
    .option('--contributor <id>', 'bind the key to a contributor: its runs carry this id and it sees only them')
    .option('--state <folder>', 'state folder (as for `hokusai serve`)')
    .addHelpText('after', '\nExample:\n  hokusai serve keys create --name acme --scope runs:submit runs:read --contributor acme')
    .action(async (flags: { name: string; scope: string[]; contributor?: string; state?: string }) => {
      const { ApiKeyStore, SCOPES } = await import('@hokusai/server');
      const unknown = flags.scope.filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (unknown.length > 0) throw new CliError('HOKUSAI_USAGE', `Unknown scope ${unknown.join(', ')}; use ${SCOPES.join(', ')}.`);
      const created = new ApiKeyStore(keysState(flags)).create({ name: flags.name, scopes: flags.scope as (typeof SCOPES)[number][], contributor: flags.contributor });
      output.result({ token: created.token, key: created.key }, `${created.token}\n(key ${created.key.id}, scopes ${created.key.scopes.join(' ')}${created.key.contributor === null ? '' : `, contributor ${created.key.contributor}`}; shown once, store it now)`);
    });
  keys
    .command('list')
    .description('list API keys (never their secrets)')
    .option('--state <folder>', 'state folder (as for `hokusai serve`)')
    .addHelpText('after', '\nExample:\n  hokusai serve keys list --state state/')
    .action(async (flags: { state?: string }) => {
      const { ApiKeyStore } = await import('@hokusai/server');
      const list = new ApiKeyStore(keysState(flags)).list();
      const text = list.length === 0 ? 'no API keys' : list.map((k) => `${k.id}  ${k.revokedAt === null ? 'live   ' : 'revoked'}  ${k.scopes.join(',')}  ${k.contributor ?? '-'}  ${k.name}`).join('\n');
      output.result(list, text);
    });
  keys
    .command('revoke <id>')
    .description('revoke an API key; a running server refuses it from its next request on')
    .option('--state <folder>', 'state folder (as for `hokusai serve`)')
    .addHelpText('after', '\nExample:\n  hokusai serve keys revoke k_3f2a9c0d --state state/')
    .action(async (id: string, flags: { state?: string }) => {
      const { ApiKeyStore } = await import('@hokusai/server');
      const key = new ApiKeyStore(keysState(flags)).revoke(id);
      output.result(key, `revoked ${key.id} (${key.name})`);
    });
}
