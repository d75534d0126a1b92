import { chooseBackend, chosenBackend } from "./backend.js";
import { registerFileSystemRouter } from "./registry/fileIO.js";
import { importTf, loadedTf, requireTf, type Tf } from "./tfModule.js";

/**
 * TensorFlow.js on first use. Importing homeforge (or any module under lib/models) never
 * loads @tensorflow/tfjs; the async entry points — fit, load, save, chooseBackend,
 * trainHomeTypes, trainFailureModels — `await loadTf()` first, and the synchronous methods
 * that can only run after them (predictProba, predict, score) use `requireTf()`, which
 * throws a one-line HomeforgeError when TensorFlow.js is not loaded yet.
 *
 * `loadTf()` imports tfjs once and, unless chooseBackend() already ran, picks the backend
 * with it (native tensorflow → wasm → cpu, or HOMEFORGE_BACKEND). Code that wants a
 * particular backend calls chooseBackend({ force }) itself; loadTf then keeps it.
 */
export type { Tf };
export { loadedTf, requireTf };

let loading: Promise<Tf> | undefined;

export function loadTf(): Promise<Tf> {
  loading ??= (async () => {
    const tf = await importTf();
    registerFileSystemRouter(tf);
    if (!chosenBackend()) await chooseBackend();
    return tf;
  })();
  // a failed backend choice (a bad HOMEFORGE_BACKEND) is not remembered: the next call retries
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
