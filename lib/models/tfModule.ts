import type * as TF from "@tensorflow/tfjs";
import { HomeforgeError } from "../core/errors.js";

/**
 * The one place @tensorflow/tfjs is imported, dynamically and once: nothing under lib/models
 * loads TensorFlow.js when it is imported, only when a model is fitted, loaded or saved.
 * `importTf` is the bare import (no backend chosen); use `loadTf` from ./tf.ts, which also
 * picks the backend. Everything else imports tfjs with `import type` only.
 */
export type Tf = typeof TF;

let tf: Tf | undefined;
let importing: Promise<Tf> | undefined;

/** Imports @tensorflow/tfjs (memoised). */
export function importTf(): Promise<Tf> {
  importing ??= import("@tensorflow/tfjs").then((m: Tf) => {
    tf = m;
    return m;
  });
  return importing;
}

/** TensorFlow.js once it has been loaded, or undefined. */
export function loadedTf(): Tf | undefined {
  return tf;
}

/**
 * TensorFlow.js for synchronous code that runs after an async entry point (fit, load,
 * chooseBackend …) has loaded it. `what` names the caller for the error.
 */
export function requireTf(what = "this model"): Tf {
  if (tf) return tf;
  throw new HomeforgeError(
    "model",
    `${what} needs TensorFlow.js, which is not loaded yet`,
    "call fit() or load() first (or await loadTf())",
  );
}
