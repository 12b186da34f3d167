/**
 * The recurrent cells, the one list every check of a cell name reads: the next-word models
 * (src/inference/model/model-config.ts) and the forecaster (forecast-types.ts) alike.
 */

/** SimpleRNN, LSTM and GRU, by the names options and flags take. */
export const CELL_TYPES = ['rnn', 'lstm', 'gru'] as const;
export type CellType = (typeof CELL_TYPES)[number];
