import type { Command } from 'commander';
import { BullMqExecutor, FEATURE_PLAN_EVENT_UNIT, FeaturePlanSchema, runPipeline, type RunEvent } from '@hokusai/orchestrator';
import { featurePlanText } from '../feature-plan-text.js';
import { resolveConfig } from '../config/load-config.js';
import { EXIT } from '../exit-codes.js';
import { formatSummary } from '../summary.js';
import { renderReportHtml } from '../report/render-html.js';
import type { Output } from '../output.js';

interface RunFlags {
  config?: string;
  base?: string;
  contributed?: string;
  benchmark?: string;
  target?: string;
  out?: string;
  seed?: string;
  model?: string;
  baselineModel?: string;
  exclude?: string;
  contributor?: string;
  contributorId?: string;
  proof?: boolean;
  overwrite?: boolean;
  store?: string;
  redis?: string;
  positiveClass?: string;
}

/** The feature plan the integrate step sends before training, shown as text; other events go to the progress display. */
function showEvent(output: Output, event: RunEvent): void {
  if (event.unit !== FEATURE_PLAN_EVENT_UNIT) return output.event(event);
  const plan = FeaturePlanSchema.safeParse(JSON.parse(event.message ?? 'null'));
  if (plan.success) output.log(featurePlanText(plan.data));
}

export function registerRunCommand(program: Command, output: Output): void {
  program
    .command('run')
    .description('run the whole pipeline: load, integrate, train baseline and new model, evaluate, delta, attest, report')
    .option('-c, --config <file>', 'config file (YAML or JSON); flags override it')
    .option('--base <file>', 'base data file')
    .option('--contributed <file>', 'contributed data file')
    .option('--benchmark <file>', 'benchmark data file')
    .option('--target <column>', 'label column')
    .option('-o, --out <folder>', 'output folder (must not exist unless --overwrite)')
    .option('--seed <n>', 'random seed')
    .option('--model <family>', 'model family (logistic_regression, mlp, gbdt, or a registered one)')
    .option('--baseline-model <file>', 'ONNX file of an existing baseline model')
    .option('--exclude <columns>', 'comma-separated columns never used as features (ids, leaks)')
    .option('--positive-class <label>', 'binary target: the label that counts as positive (default: the later label in sort order)')
    .option('--contributor <address>', "contributor's Ethereum address (EIP-55 checked, stored checksummed)")
    .option('--contributor-id <id>', "contributor's id")
    .option('--no-proof', 'skip the Groth16 proof')
    .option('--overwrite', 'replace an existing output folder')
    .option('--store <folder>', 'run store folder (default .hokusai/store; must be shared with the workers when --redis is used)')
    .option('--redis <url>', 'run the steps on `hokusai worker` processes through this Redis (BullMQ)')
    .addHelpText('after', '\nExample:\n  hokusai run --base base.csv --contributed new.csv --benchmark bench.csv --target churned --out results/')
    .action(async (flags: RunFlags) => {
      const config = resolveConfig({
        ...(flags.config === undefined ? {} : { file: flags.config }),
        flags: {
          base: flags.base,
          contributed: flags.contributed,
          benchmark: flags.benchmark,
          target: flags.target,
          out: flags.out,
          seed: flags.seed === undefined ? undefined : Number(flags.seed),
          baselineModel: flags.baselineModel,
          overwrite: flags.overwrite,
          exclude: flags.exclude?.split(',').map((c) => c.trim()).filter(Boolean),
          positiveClass: flags.positiveClass,
          ...(flags.model === undefined ? {} : { model: { family: flags.model } }),
          ...(flags.proof === false ? { proof: { enabled: false } } : {}),
          ...(flags.contributor === undefined && flags.contributorId === undefined
            ? {}
            : { contributor: { wallet: flags.contributor, id: flags.contributorId } }),
        },
      });
      const executor = flags.redis === undefined ? undefined : new BullMqExecutor({ redisUrl: flags.redis });
      let result;
      try {
        result = await runPipeline(config, {
          ...(flags.store === undefined ? {} : { store: flags.store }),
          ...(executor === undefined ? {} : { executor }),
          renderReport: renderReportHtml,
          onEvent: (event) => showEvent(output, event),
          onTracking: (tracking) => tracking.runUrl === undefined || output.log(`MLflow run: ${tracking.runUrl}`),
        });
      } finally {
        await executor?.close();
      }
      output.result(result, formatSummary(result));
      process.exitCode = result.accepted ? EXIT.ok : EXIT.rejected;
    });
}
