/**
 * The engine's page-side parts (no tfjs): tokenizer, vocabulary, windows, the n-gram and the
 * network's inference, the model file format, the suggestion bar's rules and the evaluation.
 * Published through `rnn-predict/core` (with training); the element imports the suggestion bar's
 * rules from here. A site's own names (the SDK, errors, storage) are in src/index.ts.
 */
export {
  tokenize,
  evalWords,
  modelWords,
  normalizeToken,
  recase,
  typingContext,
  isWordToken,
  isEmojiToken,
  EVAL_WORD_PATTERN,
} from './text/tokenize.js';
export type { Token, TokenKind, TypingContext } from './text/tokenize.js';
export { Vocabulary, buildVocabulary, SPECIALS, PAD, UNK, BOS, EOS } from './text/vocabulary.js';
export type { VocabularyJSON, VocabularyOptions } from './text/vocabulary.js';
export { windows, batches, sentenceBatches } from './data/windows.js';
export type { Window, Batch, WindowOptions, WindowShape } from './data/windows.js';
export { parseCorpus, CorpusError, hashText } from './data/corpus.js';
export { KneserNeyTrigram } from './inference/model/ngram.js';
export { DEFAULT_BLOCKLIST_ES } from './text/blocklist-es.js';
export { WordPredictor, PHRASE_DEFAULTS, phraseLength } from './inference/model/word-predictor.js';
export type {
  Suggestion,
  Continuation,
  ContinueOptions,
  PhraseOptions,
  Source,
} from './inference/model/word-predictor.js';
export type { CompletionOrder } from './inference/model/savings-order.js';
export { RecurrentNetwork } from './inference/model/recurrent-network.js';
export { evaluate } from './inference/suggest/evaluate.js';
export { PassedOver } from './inference/suggest/passed-over.js';
export { Suggester, SUGGESTIONS, offersNothing, partialWord, typing } from './inference/suggest/suggester.js';
// Performance marks on the way to the first suggestion (the element marks 'first-suggestion').
export { markStep, LOAD_STEPS } from './sdk/marks.js';
export type { LoadStep } from './sdk/marks.js';
export type { Typing, WordSource } from './inference/suggest/suggester.js';
export type { Scorer, EvaluationResult } from './inference/suggest/evaluate.js';
export {
  toArtifacts,
  fromArtifacts,
  predictorOf,
  mixFor,
  ModelFormatError,
  REGISTERS,
  DEFAULT_REGISTER,
} from './inference/format/artifacts.js';
export type { RnnModel, ModelArtifacts, ModelMetrics, Register } from './inference/format/artifacts.js';
export { resolveModelConfig, parameterCount } from './inference/model/model-config.js';
export type { ModelConfig, CellType, ModelShape } from './inference/model/model-config.js';
export { indexedDbHandler, loadRecord, STORAGE_VERSION } from './storage/idb.js';
export { MAX_LEARNED_MESSAGES } from './storage/learned-log.js';
export { REPLY_MIN_PROBABILITY } from './inference/suggest/replies.js';
