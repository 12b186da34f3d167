/**
 * Whether a corpus is big enough for the network it trains. The rule: at least one training
 * token for every TOKENS_PER_PARAMETER⁻¹ = 10 weights of the network. Below it a network
 * learns the training lines by heart and little else (a 20-line corpus moved the default
 * GRU's validation loss from 3.85 to 3.83 in 20 epochs); the shipped model's corpora hold 852,703
 * tokens for its 2,575,128 weights, one per 3.
 */

/** Training tokens a network needs per weight, at least (one per 10 weights). */
export const TOKENS_PER_PARAMETER = 0.1;

/**
 * A one-line warning when `trainingTokens` are too few for a network of `parameters` weights;
 * undefined when they are enough.
 */
export function corpusSizeWarning(trainingTokens: number, parameters: number): string | undefined {
  const needed = Math.ceil(parameters * TOKENS_PER_PARAMETER);
  if (trainingTokens >= needed) return undefined;
  const f = (n: number) => n.toLocaleString('en');
  return (
    `the corpus is small for this network: ${f(trainingTokens)} training tokens for ${f(parameters)} weights ` +
    `(at least ${f(needed)}, one per ${Math.round(1 / TOKENS_PER_PARAMETER)} weights, are needed to learn more ` +
    `than the lines by heart); give more text, or a smaller network (--hidden, --embedding, --vocab)`
  );
}
