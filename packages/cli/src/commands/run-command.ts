import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { BullMqExecutor, FEATURE_PLAN_EVENT_UNIT, FeaturePlanSchema, defaultStore, errorCode, memoryPlanText, runPipeline, type PipelineConfig, type RunEvent } from '@hokusai/orchestrator';
import { featurePlanText } from '../feature-plan-text.js';
import { choicesOf, defaultOf } from '../config/config-keys.js';
import { integerSetting, resolveConfig } from '../config/load-config.js';
import { didYouMean } from '../did-you-mean.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { runResultJson } from '../json-result.js';
import { formatSummary } from '../summary.js';
import { renderReportHtml } from '../report/render-html.js';
import type { Output } from '../output.js';
import type { KnownFileHash } from '@hokusai/data-integration';
import { watchWorkers } from './worker-watch.js';

interface RunFlags {
  config?: string;
  base?: string;
  contributed?: string;
  benchmark?: string;
  target?: string;
  out?: string;
  seed?: string;
  model?: string;
  piiMode?: string;
  baselineModel?: string;
  exclude?: string;
  contributor?: string;
  contributorId?: string;
  proof?: boolean;
  proveInference?: boolean;
  overwrite?: boolean;
  store?: string;
  redis?: string;
  positiveClass?: string;
}

/** The feature plan the integrate step sends before training, shown as text; other events go to the progress display. */
function showEvent(output: Output, event: RunEvent): void {
  if (event.type !== 'progress' || event.unit !== FEATURE_PLAN_EVENT_UNIT) return output.event(event);
  const plan = FeaturePlanSchema.safeParse(JSON.parse(event.message ?? 'null'));
  if (plan.success) output.log(featurePlanText(plan.data));
}

/** Steps of the Hokusai flow that do nothing without a `search` in the config. */
const SEARCH_STEP = /^search(_|$)/;
/** Steps of the flow without a search: three loads, integrate, two trainings, evaluate, delta, attest, report. */
const STEPS_WITHOUT_SEARCH = 10;

/** How many steps the run shows, so progress can say "step 4/10". */
async function stepCount(config: PipelineConfig): Promise<number> {
  if (config.search === undefined) return STEPS_WITHOUT_SEARCH;
  const { laterRungCount } = await import('@hokusai/training/search');
  const later = config.search.strategy === 'halving' ? laterRungCount(config.search, config.seed) : 0;
  // search plan, trials and the join, plus a plan and trials per later halving rung.
  return STEPS_WITHOUT_SEARCH + 3 + 2 * later;
}

/** Refuses an unknown model family before any data is read, naming the nearest registered one. */
async function assertKnownFamily(family: string): Promise<void> {
  const { registeredModels, TrainingError } = await import('@hokusai/training');
  const known = registeredModels();
  if (known.includes(family)) return;
  // Training's own code for an unknown family, raised here before any data is read.
  throw new TrainingError('HOKUSAI_UNKNOWN_FAMILY', `Unknown model family "${family}" (--model or model.family)${didYouMean(family, known).replace(/^ \((.*)\)$/, ': $1')}. Registered families: ${known.join(', ')}.`);
}

/** The command that continues a stopped run, with the store when it is not the default. */
export function resumeLine(runId: string, store: string | undefined): string {
  return `hokusai resume ${runId}${store === undefined ? '' : ` --store ${store}`}`;
}

export function registerRunCommand(program: Command, output: Output, inputHashes?: ReadonlyMap<string, Promise<KnownFileHash | null>>): void {
  program
    .command('run')
    .description('run the whole pipeline: load, integrate, train baseline and new model, evaluate, delta, attest, report')
    .option('-c, --config <file>', 'config file (YAML or JSON); flags override it')
    .option('--base <file>', 'base data file (required here or in the config)')
    .option('--contributed <file>', 'contributed data file (required here or in the config)')
    .option('--benchmark <file>', 'benchmark data file (required here or in the config)')
    .option('--target <column>', 'label column (required here or in the config)')
    .option('-o, --out <folder>', 'output folder (required; must not exist unless --overwrite)')
    .option('--seed <n>', `random seed, an integer (default: ${defaultOf('seed')})`)
    .option('--model <family>', `model family: logistic_regression, mlp, gbdt, or a registered one (default: ${defaultOf('model.family') ?? 'logistic_regression'})`)
    .addOption(new Option('--pii-mode <mode>', `what to do with personal data (default: ${defaultOf('pii.mode')})`).choices(choicesOf('pii.mode') ?? []))
    .option('--baseline-model <file>', 'ONNX file of an existing baseline model (default: trained from the base data)')
    .option('--exclude <columns>', 'comma-separated columns never used as features (ids, leaks)')
    .option('--positive-class <label>', 'binary target: the label that counts as positive (default: the later label in sort order)')
    .option('--contributor <address>', "contributor's Ethereum address (EIP-55 checked, stored checksummed)")
    .option('--contributor-id <id>', "contributor's id")
    .option('--no-proof', 'skip the Groth16 proof (default: prove)')
    .option('--prove-inference', "require the inference proof: fail unless both models' labels on every benchmark row are proven (default: prove them when both models are linear, else record why not)")
    .option('--no-prove-inference', "do not prove the models' inference (inference_proof.json); only the counts are proven")
    .option('--overwrite', 'replace an existing Hokusai output folder')
    .option('--store <folder>', 'run store folder (default: $HOKUSAI_STORE or .hokusai/store; must be shared with the workers when --redis is used)')
    .option('--redis <url>', 'run the steps on `hokusai worker` processes through this Redis (BullMQ)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  hokusai run --base base.csv --contributed new.csv --benchmark bench.csv --target churned --out results/',
        '  hokusai run --config hokusai.yaml --seed 7 --model gbdt --no-proof',
        '  hokusai run --config hokusai.yaml --redis redis://127.0.0.1:6379   # with `hokusai worker` running',
        '',
        'Every flag can also be a config key (see `hokusai config keys`).',
      ].join('\n'),
    )
    .action(async (flags: RunFlags) => {
      const config = resolveConfig({
        ...(flags.config === undefined ? {} : { file: flags.config }),
        flags: {
          base: flags.base,
          contributed: flags.contributed,
          benchmark: flags.benchmark,
          target: flags.target,
          out: flags.out,
          seed: flags.seed === undefined ? undefined : integerSetting('--seed', flags.seed),
          baselineModel: flags.baselineModel,
          overwrite: flags.overwrite,
          exclude: flags.exclude?.split(',').map((c) => c.trim()).filter(Boolean),
          positiveClass: flags.positiveClass,
          ...(flags.model === undefined ? {} : { model: { family: flags.model } }),
          ...(flags.piiMode === undefined ? {} : { pii: { mode: flags.piiMode } }),
          ...(flags.proof === false || flags.proveInference !== undefined
            ? { proof: { ...(flags.proof === false ? { enabled: false } : {}), ...(flags.proveInference === undefined ? {} : { inference: flags.proveInference }) } }
            : {}),
          ...(flags.contributor === undefined && flags.contributorId === undefined
            ? {}
            : { contributor: { wallet: flags.contributor, id: flags.contributorId } }),
        },
      });
      // Workers may register families of their own, so a distributed run leaves the check to them.
      if (flags.redis === undefined) await assertKnownFamily(config.model.family);
      output.plan({ totalSteps: await stepCount(config), ...(config.search === undefined ? { hidden: (step: string) => SEARCH_STEP.test(step) } : {}) });

      const executor = flags.redis === undefined ? undefined : new BullMqExecutor({ redisUrl: flags.redis });
      const stopWatching = executor === undefined || flags.redis === undefined ? undefined : watchWorkers(flags.redis, output);
      const abort = new AbortController();
      let runId: string | undefined;
      const interrupt = (): void => {
        if (abort.signal.aborted) {
          // A second Ctrl-C: stop now; the finished steps are in the run store.
          if (runId !== undefined) output.notice(`stopped. Continue with: ${resumeLine(runId, flags.store)}`);
          process.exit(130);
        }
        output.notice('stopping after the running steps (Ctrl-C again to stop at once)…');
        abort.abort();
      };
      process.on('SIGINT', interrupt);
      let result;
      try {
        result = await runPipeline(config, {
          ...(flags.store === undefined ? {} : { store: flags.store }),
          ...(executor === undefined ? {} : { executor }),
          ...(inputHashes === undefined ? {} : { inputHashes }),
          signal: abort.signal,
          renderReport: renderReportHtml,
          onEvent: (event: RunEvent) => {
            if (event.type === 'run_started') {
              runId = event.runId;
              output.log(`run ${event.runId}: writing ${resolve(config.out)} (run store ${resolve(flags.store ?? defaultStore())})`);
            }
            showEvent(output, event);
          },
          onTracking: (tracking) => tracking.runUrl === undefined || output.log(`MLflow run: ${tracking.runUrl}`),
          onMemoryPlan: (plan) => output.log(memoryPlanText(plan)),
        });
      } catch (error) {
        // Bad input makes a new run once fixed; anything else (a crash, Ctrl-C, a lost worker)
        // continues from the finished steps.
        if (runId !== undefined && (abort.signal.aborted || errorCode(error) === 'HOKUSAI_RUN_CANCELLED' || exitCodeFor(error) !== EXIT.badInput)) {
          output.notice(`run ${runId} stopped. Continue with: ${resumeLine(runId, flags.store)}`);
        }
        throw error;
      } finally {
        process.off('SIGINT', interrupt);
        stopWatching?.();
        await executor?.close();
      }
      output.result(runResultJson(result), formatSummary(result));
      process.exitCode = result.accepted ? EXIT.ok : EXIT.rejected;
    });
}
