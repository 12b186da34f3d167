// @tier full: trains the lab's networks; `npm run test:quick` leaves it out.
// The lab's experiment (src/training/lab.ts) and `rnn-predict lab` (src/cli/lab.ts): the
// configurations of the choices, the measurement (‖∂ℓ/∂x_t‖ per step, the ratio first/last),
// reproducible per seed, no tensor left behind, and the JSON's last line.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../../src/node/node-backend.js';
import { runLab } from '../../src/training/lab.js';
import { checkLabConfig, labConfigName, labConfigs, type LabConfig } from '../../src/inference/model/lab-config.js';
import { labCommand } from '../../src/cli/lab.js';

before(async () => {
  await initNodeBackend();
});

const base: LabConfig = { cell: 'rnn', activation: 'tanh', norm: 'none', init: 'glorot', clip: 'norm' };

describe('the lab', () => {
  test('labConfigs: every combination, activations for the SimpleRNN only; names say the remedies', () => {
    const configs = labConfigs({
      cells: ['rnn', 'lstm', 'gru'],
      activations: ['tanh', 'relu'],
      norms: ['none', 'layer'],
      inits: ['glorot'],
      clips: ['norm', 'none'],
    });
    // rnn: 2 activations × 2 norms × 2 clips; lstm and gru: 2 norms × 2 clips each.
    assert.equal(configs.length, 8 + 4 + 4);
    assert.ok(configs.filter((c) => c.cell !== 'rnn').every((c) => c.activation === 'tanh'));
    assert.equal(
      labConfigName({ ...base, activation: 'relu', norm: 'layer', init: 'normal', clip: 'value' }),
      'SimpleRNN relu + LN · N(0,1) · recorte por valor',
    );
    assert.throws(
      () => checkLabConfig({ ...base, cell: 'gru', activation: 'elu' }),
      /activation "elu" is for the SimpleRNN/,
    );
    assert.throws(() => checkLabConfig({ ...base, init: 'he' as 'normal' }), /init must be one of "glorot", "normal"/);
  });

  test('measures ‖∂ℓ/∂x_t‖ at every step before and after training; reproducible; nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const options = {
      configs: [base, { ...base, cell: 'gru' as const, norm: 'layer' as const, clip: 'value' as const }],
      seeds: [4],
      steps: 5,
      maxLength: 20,
    };
    const events: string[] = [];
    const a = await runLab({ ...options, onProgress: (p) => events.push(p.type) });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.deepEqual(events.slice(0, 7), ['start', 'batch', 'batch', 'batch', 'batch', 'batch', 'end']);
    for (const r of a) {
      assert.equal(r.norms[0]!.length, 20);
      assert.equal(r.ratio[0], r.norms[0]![0]! / r.norms[0]![19]!);
      assert.equal(r.ratioBefore[0], r.normsBefore[0]![0]! / r.normsBefore[0]![19]!);
      assert.ok(r.norms[0]!.every((n) => Number.isFinite(n) && n >= 0));
      assert.notDeepEqual(r.norms[0], r.normsBefore[0], 'training moved the weights');
      assert.deepEqual(
        r.accuracyByDistance.map((x) => [x.length, x.distance, x.accuracy.length]),
        [
          [10, 9, 1],
          [20, 19, 1],
        ],
      );
    }
    const b = await runLab(options);
    assert.deepEqual(b, a, 'the same seed gives the same figures');
    const c = await runLab({ ...options, seeds: [5] });
    assert.notDeepEqual(c[0]!.ratio, a[0]!.ratio, 'another seed, other figures');
  });

  test('stop ends the experiment between batches', async () => {
    const control = { stop: false };
    let batches = 0;
    const r = await runLab({
      configs: [base],
      seeds: [1, 2],
      steps: 50,
      maxLength: 12,
      control,
      onProgress: (p) => {
        if (p.type === 'batch' && ++batches === 3) control.stop = true;
      },
    });
    assert.equal(batches, 3);
    assert.deepEqual(r[0]!.ratio, [], 'no run finished');
  });

  test('rnn-predict lab --json: one line per run, then {task, configs} with the fields the issue names', async () => {
    const lines: string[] = [];
    const code = await labCommand(['--json', '--cells', 'rnn,lstm', '--steps', '3', '--seeds', '1,2'], {
      log: (l) => lines.push(l),
    });
    assert.equal(code, 0);
    assert.equal(lines.length, 4 + 1);
    const last = JSON.parse(lines.at(-1)!) as { configs: Record<string, unknown>[] };
    assert.deepEqual(
      last.configs.map((c) => [c.cell, c.activation, c.norm, c.init, c.clip, (c.ratio as number[]).length]),
      [
        ['rnn', 'tanh', 'none', 'glorot', 'norm', 2],
        ['lstm', 'tanh', 'none', 'glorot', 'norm', 2],
      ],
    );
    for (const c of last.configs) {
      assert.equal((c.ratioBefore as number[]).length, 2);
      assert.ok(Array.isArray(c.accuracyByDistance));
    }
    await assert.rejects(
      labCommand(['--norm', 'batch'], { log: () => {} }),
      /--norm: "batch" is not one of none, layer/,
    );
    await assert.rejects(labCommand(['--bogus'], { log: () => {} }), /Unknown option '--bogus'/);
  });
});
