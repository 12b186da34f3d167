// window.trainTiny(): trains a network of a few hundred parameters in the SDK's worker (no
// backend forced) and resolves with the predictor's info(), or with { error } when it fails.
const CORPUS =
  'Hola, ¿cómo se siente hoy?\nHola, ¿cómo está usted?\nBuenos días, ¿qué tal?\nMe siento muy bien hoy.\n'.repeat(20);

export function exposeTinyTraining(createPredictor) {
  window.trainTiny = async () => {
    const p = createPredictor({
      corpus: CORPUS,
      name: 'consumer',
      hiddenSize: 8,
      embeddingSize: 4,
      vocabularySize: 50,
      epochs: 1,
      persist: false,
    });
    try {
      await p.neuralReady;
      return p.info();
    } catch (e) {
      return { error: `${e.name}: ${e.message}` };
    } finally {
      p.dispose();
    }
  };
}
