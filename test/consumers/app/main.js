// What a user of a bundler writes: the element by its subpath, the SDK by the package name.
import 'rnn-predict/element';
import { createPredictor } from 'rnn-predict';
import { exposeTinyTraining } from './tiny-training.js';

exposeTinyTraining(createPredictor);
