// natural ships no types for its deep module paths; we import only the base tokenizer class
// so that the browser bundle does not pull in natural's index (database clients, dotenv).
declare module 'natural/lib/natural/tokenizers/tokenizer.js' {
  export default class Tokenizer {
    /** Removes empty strings from both ends of `array` (in place) and returns it. */
    trim(array: string[]): string[];
  }
}

// natural's TF-IDF, imported by its module path (the retrieval baseline of eval --replies).
declare module 'natural/lib/natural/tfidf/tfidf.js' {
  export default class TfIdf {
    /** Adds a document: a string (natural's English tokenizer) or a list of terms, kept as they are. */
    addDocument(document: string | string[], key?: unknown): void;
    /** 1 + ln(documents / (1 + documents holding the term)), cached per term. */
    idf(term: string): number;
  }
}
