/**
 * The command line: `rnn-predict train | predict | eval | pack | forecast | lab`, one file per
 * command in src/cli/, their options declared in one schema (src/cli/options.ts). Errors print
 * one line and exit 1; `--help` on each command. Built to dist/cli.js (the package's bin).
 */
import { packageFile, packageJson, UsageError, type Output } from './common.js';
import { train } from './train.js';
import { predict } from './predict.js';
import { evalCommand } from './eval.js';
import { pack } from './pack.js';

export type { Output };

const HELP = `rnn-predict — next-word prediction with recurrent networks

Usage: rnn-predict <command> [options]

Commands:
  train     train a model on a corpus and write a model directory
  predict   suggest the next words for a text
  eval      score a model or the KN trigram baseline (top-1, top-3, KSR, perplexity, OOV)
  pack      make a model directory smaller to ship (int8 weights, fewer network words)
  forecast  forecast a numeric series from a CSV with the same recurrent cells

Run "rnn-predict <command> --help" for a command's options; "rnn-predict --version" for the version.`;

/**
 * What train, forecast and lab say when TensorFlow.js is not installed: it is an optional peer
 * dependency (a site serving the shipped model never loads it); the versions are the package's.
 */
function tfjsMissing(name: string): string {
  // The versions this release was built with; a CLI copied out of its package names tfjs alone.
  const peers = packageFile('package.json') ? packageJson().peerDependencies : { '@tensorflow/tfjs': 'latest' };
  const install = Object.entries(peers).map(([p, v]) => `${p}@${v}`);
  return `this command trains with TensorFlow.js, which is not installed (${name}): npm install ${install.join(' ')}`;
}

/** Runs the CLI with arguments (without node and script); resolves to the exit code. */
export async function main(
  argv: string[],
  out: Output = { log: (l) => process.stdout.write(l + '\n') },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        return await train(rest, out);
      case 'predict':
        return await predict(rest, out);
      case 'eval':
        return await evalCommand(rest, out);
      case 'pack':
        return await pack(rest, out);
      case 'forecast': {
        // Loaded when asked for: forecasting imports TensorFlow.js.
        const { forecastCommand } = await import('./forecast.js');
        return await forecastCommand(rest, out);
      }
      case 'lab': {
        const { labCommand } = await import('./lab.js');
        return await labCommand(rest, out);
      }
      case '--version':
      case '-v':
        out.log(packageJson().version);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out.log(HELP);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(
          `unknown command "${command}": expected train, predict, eval, pack or forecast (see "rnn-predict --help")`,
        );
    }
  } catch (e) {
    const err = e as Error;
    const tfjs = /Cannot find (?:package|module) '(@tensorflow\/[\w-]+)'/.exec(err.message)?.[1];
    if (tfjs) err.message = tfjsMissing(tfjs);
    process.stderr.write(`rnn-predict ${command ?? ''}: ${err.message.split('\n')[0]}\n`);
    if (process.env.RNN_PREDICT_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

const invokedDirectly =
  typeof process !== 'undefined' &&
  process.argv[1] &&
  /(?:cli\.(?:js|ts)|cli[\\/]main\.(?:js|ts)|rnn-predict)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
