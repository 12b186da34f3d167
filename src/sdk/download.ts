/**
 * Downloads that end: every model or corpus file is read with a stall timeout (no bytes for
 * `stallSeconds` ends it) and a size cap (a larger Content-Length is refused before reading, a
 * body that grows past it is cut off), and the rules of where a model's files may come from.
 * `file:` URLs (Node only) are read as regular files within the same cap, never a device, a
 * pipe or a directory.
 */
import { concatBytes } from '../base/bytes.js';
import { describe, whenAborted } from '../base/checks.js';

/** Seconds without a byte after which a download is abandoned (option `downloadTimeout`). */
export const DEFAULT_STALL_SECONDS = 30;
/** The largest model.json read, in bytes (the shipped one is ~1 MB). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** The largest corpus read, in bytes (option `maxCorpusBytes`). */
export const DEFAULT_MAX_CORPUS_BYTES = 64 * 1024 * 1024;
/** What a weight file may exceed the size model.json declares for it by. */
export const WEIGHTS_MARGIN_BYTES = 64 * 1024;
/** The largest weight file read before model.json has declared its size (a weight file whose
 * URL is known in advance downloads alongside model.json; the shipped one is ~3.6 MB). */
export const MAX_WEIGHTS_BYTES = 512 * 1024 * 1024;

/** A download that did not end well: too large, stalled, or from where it may not come. */
export class DownloadError extends Error {
  override name = 'DownloadError';
  /** The URL it was about. */
  readonly url: string;
  constructor(url: URL | string, message: string, options?: { cause?: unknown }) {
    super(`${url}: ${message}`, options);
    this.url = String(url);
  }
}

/** How one file is read. */
export interface DownloadLimits {
  /** Bytes the body may hold at most. Read again at each chunk, so that a caller may lower it
   * while the body arrives (a weight file's, once model.json has declared its size). */
  maxBytes: number;
  /** Ends the download (its promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Seconds without a byte before giving up. */
  stallSeconds: number;
  /** What the file is, for messages ("model.json", "weights", "corpus"). */
  what: string;
}

/**
 * Reads a Node `file:` URL as a regular file of at most `maxBytes`. The import is kept out of
 * sight of bundlers, which would otherwise pull Node's fs into a page build.
 */
export async function readFileUrl(url: URL, maxBytes = Infinity, what = 'file'): Promise<Uint8Array> {
  const nodeFs = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ nodeFs)) as typeof import('node:fs/promises');
  const handle = await fs.open(url, 'r');
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new DownloadError(url, `the ${what} is not a regular file (a directory or a device)`);
    if (st.size > maxBytes)
      throw new DownloadError(url, `the ${what} has ${st.size} bytes, at most ${maxBytes} expected`);
    const out = new Uint8Array(st.size);
    let at = 0;
    while (at < out.length) {
      const { bytesRead } = await handle.read(out, at, out.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === out.length ? out : out.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/**
 * Fetches `url` (or reads it, for `file:`) and returns its body, within `limits`: a
 * Content-Length over the cap is refused before reading, a body that grows past it is cut off,
 * and no byte for `stallSeconds` (the response's headers included) ends it. HTTP errors and
 * an HTML page where a file was expected throw too. Errors are DownloadErrors naming the URL.
 */
export async function download(url: URL, fetchImpl: typeof fetch, limits: DownloadLimits): Promise<Uint8Array> {
  const { stallSeconds, what } = limits;
  if (url.protocol === 'file:') {
    try {
      return await readFileUrl(url, limits.maxBytes, what);
    } catch (e) {
      if (e instanceof DownloadError) throw e;
      throw new DownloadError(url, `the ${what} could not be read (${(e as Error).message})`, { cause: e });
    }
  }
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stalled!: (e: Error) => void;
  const stall = new Promise<never>((_, reject) => (stalled = reject));
  stall.catch(() => {});
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const err = new DownloadError(url, `the ${what} stalled: no data for ${stallSeconds} s`);
      err.name = 'TimeoutError';
      controller.abort(err);
      stalled(err);
    }, stallSeconds * 1000);
  };
  arm();
  const abort = () => {
    controller.abort(limits.signal!.reason);
    stalled(limits.signal!.reason as Error);
  };
  const unlisten = whenAborted(limits.signal, abort);
  try {
    let res: Response;
    try {
      res = await Promise.race([stall, fetchImpl(url, { signal: controller.signal })]);
    } catch (e) {
      if (e instanceof DownloadError) throw e;
      throw new DownloadError(url, `the ${what} could not be fetched (${(e as Error).message})`, { cause: e });
    }
    if (!res.ok) throw new DownloadError(url, `HTTP ${res.status}, the ${what} is missing`);
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      void res.body?.cancel().catch(() => {});
      throw new DownloadError(url, `the ${what} has ${declared} bytes, at most ${limits.maxBytes} expected`);
    }
    if (!res.body) {
      const body = new Uint8Array(await Promise.race([stall, res.arrayBuffer()]));
      if (body.byteLength > limits.maxBytes)
        throw new DownloadError(url, `the ${what} grew past ${limits.maxBytes} bytes`);
      return body;
    }
    const reader = res.body.getReader();
    const parts: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        arm();
        const { done, value } = await Promise.race([stall, reader.read()]);
        if (done) break;
        size += value.byteLength;
        if (size > limits.maxBytes) throw new DownloadError(url, `the ${what} grew past ${limits.maxBytes} bytes`);
        parts.push(value);
      }
    } catch (e) {
      void reader.cancel().catch(() => {});
      if (e instanceof DownloadError) throw e;
      throw new DownloadError(url, `the ${what} broke off (${(e as Error).message})`, { cause: e });
    }
    return parts.length === 1 && parts[0]!.byteLength === size ? parts[0]! : concatBytes(parts, size);
  } finally {
    clearTimeout(timer);
    unlisten();
  }
}

/**
 * Where a model's weight file may come from, given model.json's URL: the same origin over
 * http(s) (another origin only with `crossOrigin`); `file:` only beside a `file:` model.json.
 */
export function checkWeightsUrl(weights: URL, json: URL, crossOrigin = false): void {
  if (weights.protocol === 'file:' || json.protocol === 'file:') {
    if (weights.protocol === json.protocol) return;
    throw new DownloadError(
      json,
      `names weights at ${weights}: a model.json over ${json.protocol} may not name ${weights.protocol} files`,
    );
  }
  if (!/^(https?|blob):$/.test(weights.protocol))
    throw new DownloadError(json, `names weights at ${describe(String(weights))}, expected an http(s) URL`);
  if (weights.origin !== json.origin && !crossOrigin)
    throw new DownloadError(
      json,
      `names weights on another origin (${weights.origin}); allow it with the option crossOriginWeights: true`,
    );
}
