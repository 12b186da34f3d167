/**
 * The one-file browser build (dist/rnn-predict.bundle.js): the SDK and the `<rnn-predict>`
 * element, registered on load. `<script type="module" src="…/rnn-predict.bundle.js">` is all a
 * page needs.
 */
export * from '../src/index.js';
export * from './define.js';
