import { createPredictor } from '/node_modules/rnn-predict/dist/rnn-predict.bundle.js';
import { exposeTinyTraining } from '../app/tiny-training.js';

exposeTinyTraining(createPredictor);
