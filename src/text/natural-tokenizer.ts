/*
The base class of natural's tokenizers (natural 8.1.1, lib/natural/tokenizers/tokenizer.js,
https://github.com/NaturalNode/natural), copied here with its licence so that installing
rnn-predict does not install the whole of natural (a Redis, PostgreSQL and MongoDB client and
WordNet, ~46 MB) for these lines. Types added; the code is as natural wrote it.

Copyright (c) 2011, Chris Umbel

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
*/

/** natural's `Tokenizer`: the base class its tokenizers extend. */
export default class Tokenizer {
  /** Removes empty strings from both ends of `array` (in place) and returns it. */
  trim(array: string[]): string[] {
    while (array[array.length - 1] === '') {
      array.pop();
    }

    while (array[0] === '') {
      array.shift();
    }

    return array;
  }
}
