import type { ColumnTable } from "../core/columnTable.js";
import { HomeforgeError } from "../core/errors.js";
import type { FailureClassifier } from "../models/failure/failureClassifier.js";
import { buildFeatures, featureIndices } from "../models/failure/features.js";

type Activation = (z: number) => number;
const ACTIVATIONS: Record<string, Activation> = {
  relu: (z) => (z > 0 ? z : 0),
  sigmoid: (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))),
  linear: (z) => z,
};

interface DenseLayer {
  inputs: number;
  units: number;
  /** inputs × units, row-major (TF.js's kernel layout). */
  kernel: Float32Array;
  bias: Float32Array;
  activation: Activation;
}

/**
 * The failure classifier's network as a plain-JS forward pass over Float32Arrays, weights
 * copied once from the loaded TF.js model. One device's prediction then costs a few thousand
 * multiply-adds instead of TF.js's tensor setup (measured in docs/notes/i14-serve.md). Only the
 * network is replaced: features, the standardizer and the calibrator are the classifier's own.
 * Sums run in float64, so results match TF.js's float32 to ~1e-7.
 */
export class FastScorer {
  readonly inputs: number;
  readonly #layers: DenseLayer[];
  readonly #scratch: Float64Array[];

  private constructor(layers: DenseLayer[]) {
    this.#layers = layers;
    this.inputs = layers[0].inputs;
    this.#scratch = layers.map((l) => new Float64Array(l.units));
  }

  /** Reads the dense layers of a fitted classifier's network (kernel, bias, activation). */
  static fromClassifier(classifier: FailureClassifier): FastScorer {
    const network = classifier.network;
    if (!network) throw new HomeforgeError("model", "the classifier is not fitted", "load it first");
    const layers: DenseLayer[] = [];
    for (const layer of network.layers) {
      const config = layer.getConfig() as { activation?: string; useBias?: boolean };
      const activation = ACTIVATIONS[config.activation ?? "linear"];
      const weights = layer.getWeights();
      if (layer.getClassName() !== "Dense" || !activation || weights.length !== 2)
        throw new HomeforgeError(
          "model",
          `layer ${layer.name} (${layer.getClassName()}, ${config.activation}) is not a dense layer the fast scorer knows`,
          "serve this model through TF.js (predictProba)",
        );
      const [kernel, bias] = weights;
      const [inputs, units] = kernel.shape as [number, number];
      layers.push({
        inputs,
        units,
        kernel: Float32Array.from(kernel.dataSync()),
        bias: Float32Array.from(bias.dataSync()),
        activation,
      });
    }
    if (layers.length === 0 || layers.at(-1)!.units !== 1)
      throw new HomeforgeError(
        "model",
        "the network does not end in one output unit",
        "serve it through TF.js",
      );
    return new FastScorer(layers);
  }

  /**
   * The network's output for each row of a row-major matrix (rows × inputs), rounded to
   * float32 as TF.js returns it (a calibrator then sees the same inputs as predictProba's).
   */
  forward(x: Float32Array): Float32Array {
    const d = this.inputs;
    const rows = x.length / d;
    const out = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let input: ArrayLike<number> = x.subarray(r * d, (r + 1) * d);
      this.#layers.forEach((layer, k) => {
        const h = this.#scratch[k];
        const { kernel, bias, units, inputs, activation } = layer;
        for (let j = 0; j < units; j++) h[j] = bias[j];
        for (let i = 0; i < inputs; i++) {
          const v = input[i];
          if (v === 0) continue;
          const row = i * units;
          for (let j = 0; j < units; j++) h[j] += v * kernel[row + j];
        }
        for (let j = 0; j < units; j++) h[j] = activation(h[j]);
        input = h;
      });
      out[r] = input[0];
    }
    return out;
  }
}

/**
 * The network's output at `rows` of a telemetry table through the classifier's own feature
 * builder and standardizer, with `scorer` as the network: `classifier.predictRaw(table)` there.
 */
export function rawRows(
  classifier: FailureClassifier,
  scorer: FastScorer,
  table: ColumnTable,
  rows: ArrayLike<number>,
): Float32Array {
  const standardizer = classifier.standardizer;
  const spec = classifier.featureSpec;
  if (!standardizer || !spec)
    throw new HomeforgeError("model", "the classifier is not fitted", "load it first");
  const set = buildFeatures(table, spec, rows);
  const columns = featureIndices(set, classifier.featureNames).map((i) => set.columns[i]);
  return scorer.forward(standardizer.transformRows(columns, rows));
}

/** Calibrated probabilities at `rows`: rawRows through the classifier's calibrator, predictProba there. */
export function scoreRows(
  classifier: FailureClassifier,
  scorer: FastScorer,
  table: ColumnTable,
  rows: ArrayLike<number>,
): Float32Array {
  const raw = rawRows(classifier, scorer, table, rows);
  return classifier.calibrator ? Float32Array.from(classifier.calibrator.transform(raw)) : raw;
}

/**
 * The fast scorer a served classifier uses, or null to score through TF.js. Null for an
 * isotonic calibrator: its steps turn the last-bit (float32 ulp) differences between our sums
 * and TF.js's into ~1e-5 jumps of the probability, so those models are served exactly, slowly.
 * Null too for a network that is not a stack of dense layers.
 */
export function fastScorerFor(classifier: FailureClassifier): FastScorer | null {
  if (classifier.calibrator?.method === "isotonic") return null;
  try {
    return FastScorer.fromClassifier(classifier);
  } catch {
    return null;
  }
}
