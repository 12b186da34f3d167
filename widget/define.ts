/**
 * Registers `<rnn-predict>` (importing this module does it, unless the name is taken) and, on
 * request, the same element under other names: `define('my-predict')`. Exports the element's
 * class and its event classes (`e instanceof RnnAcceptEvent`; events.ts).
 */
import { RnnPredict } from './rnn-predict.js';

export { RnnPredict };
export {
  RnnAcceptEvent,
  RnnErrorEvent,
  RnnModelEvent,
  RnnProgressEvent,
  RnnReadyEvent,
  RnnRemoveEvent,
  type AcceptDetail,
  type RemoveDetail,
  type RnnPredictEventMap,
} from './events.js';
// JSX typings (React 19's JSX.IntrinsicElements, only where React is installed): jsx.ts.
export type { RnnPredictJSXProps } from './jsx.js';
export type { FieldAdapter, CaretEdit, FieldChange } from './fields/adapter.js';

/**
 * Registers the element under `tagName` and returns its class. A name already registered is
 * left as it is. Each extra name gets its own subclass (a class can be registered only once).
 */
export function define(tagName = 'rnn-predict'): typeof RnnPredict {
  const registry = globalThis.customElements;
  const existing = registry.get(tagName);
  if (existing) return existing as typeof RnnPredict;
  const taken = [...registeredClasses].includes(RnnPredict);
  const cls = taken ? class extends RnnPredict {} : RnnPredict;
  registry.define(tagName, cls);
  registeredClasses.add(cls);
  return cls;
}

const registeredClasses = new Set<CustomElementConstructor>();

if (typeof customElements !== 'undefined') define();

declare global {
  interface HTMLElementTagNameMap {
    'rnn-predict': RnnPredict;
  }
}
