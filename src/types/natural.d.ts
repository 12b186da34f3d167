// natural ships no types for its deep module paths; we import only the base tokenizer class
// so that the browser bundle does not pull in natural's index (database clients, dotenv).
declare module 'natural/lib/natural/tokenizers/tokenizer.js' {
  export default class Tokenizer {
    /** Removes empty strings from both ends of `array` (in place) and returns it. */
    trim(array: string[]): string[];
  }
}
