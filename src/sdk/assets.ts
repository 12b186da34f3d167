/**
 * The files the SDK loads at run time, each written as `new URL('./file', import.meta.url)`:
 * next to the SDK in the built package (dist/), and the pattern Vite and webpack 5 recognise,
 * so that a bundled app emits these files among its assets with no configuration.
 */

/** The training worker (tfjs inside, one self-contained module). */
export const DEFAULT_WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * The wasm backend's binaries, by the file name tfjs-backend-wasm asks for. The page hands them
 * to the worker (`setWasmPaths`), because a bundler copies the worker as it is and never sees
 * what the worker itself fetches.
 */
export const WASM_URLS: Readonly<Record<string, string>> = {
  'tfjs-backend-wasm.wasm': new URL('./tfjs-backend-wasm.wasm', import.meta.url).href,
  'tfjs-backend-wasm-simd.wasm': new URL('./tfjs-backend-wasm-simd.wasm', import.meta.url).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL('./tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href,
};
