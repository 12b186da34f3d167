// natural's TF-IDF, imported by its module path (the retrieval baseline of eval --replies;
// natural is an optional peer dependency, installed for development).
declare module 'natural/lib/natural/tfidf/tfidf.js' {
  export default class TfIdf {
    /** Adds a document: a string (natural's English tokenizer) or a list of terms, kept as they are. */
    addDocument(document: string | string[], key?: unknown): void;
    /** 1 + ln(documents / (1 + documents holding the term)), cached per term. */
    idf(term: string): number;
  }
}
