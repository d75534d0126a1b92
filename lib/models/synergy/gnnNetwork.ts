import type * as tf from "@tensorflow/tfjs";
import { deriveSeed, Rng } from "../../core/random.js";
import type { Tf } from "../tf.js";
import type { GraphBatch, GraphWidths } from "./graphBatch.js";

/**
 * The synergy GNN as raw TensorFlow.js variables and ops (no tf.LayersModel: the encoder
 * multiplies batched adjacency and selection matrices, which tf.layers cannot express
 * without custom layer classes, and a model of custom classes would not load through plain
 * tf.loadLayersModel anyway). No gather anywhere: nodes are picked by one-hot matmuls, so
 * the gradient path runs on wasm, which lacks UnsortedSegmentSum.
 *
 *   encoder layer l:  H' = relu(H W_self + Σ_r Â_r H W_r + b)        (messagePassing)
 *                     H' = relu(H W_self + b)                        (ablation: per-node MLP)
 *   decoder:          z  = [S_t H, S_a H, S_t H ⊙ S_a H, pair features]   (nodeInputs)
 *                     z  = [pair features]                           (pair-only baseline)
 *                     logit = relu(z W_d + b_d) w_o + b_o
 */
export interface NetworkShape {
  widths: GraphWidths;
  hidden: number;
  layers: number;
  messagePassing: boolean;
  nodeInputs: boolean;
}

/** One variable: name and shape, in the order weights.bin stores them (tfjs weights-manifest style). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: "float32";
}

/** The network's variables, in their fixed order. */
export function weightSpecs(shape: NetworkShape): WeightSpec[] {
  const specs: WeightSpec[] = [];
  const add = (name: string, dims: number[]) => specs.push({ name, shape: dims, dtype: "float32" });
  const { widths, hidden } = shape;
  if (shape.nodeInputs)
    for (let l = 0; l < shape.layers; l++) {
      const inputs = l === 0 ? widths.node : hidden;
      add(`encoder_${l}/self`, [inputs, hidden]);
      if (shape.messagePassing && widths.edgeTypes > 0)
        add(`encoder_${l}/edges`, [inputs, widths.edgeTypes * hidden]);
      add(`encoder_${l}/bias`, [hidden]);
    }
  const nodeWidth = shape.nodeInputs ? (shape.layers > 0 ? hidden : widths.node) : 0;
  add("decoder/hidden", [3 * nodeWidth + widths.pair, hidden]);
  add("decoder/hidden_bias", [hidden]);
  add("decoder/output", [hidden, 1]);
  add("decoder/output_bias", [1]);
  return specs;
}

/**
 * Seeded initial values: Glorot-uniform kernels from the model's own streams (one per
 * variable, so they do not depend on the backend's generator), zero biases, and the output
 * bias at the training positives' log-odds (the network starts at the base rate).
 */
export function initialWeights(
  specs: readonly WeightSpec[],
  hidden: number,
  seed: number,
  outputBias: number,
): Float32Array[] {
  return specs.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (name === "decoder/output_bias") values[0] = outputBias;
    else if (shape.length === 2) {
      // the edge kernels are R blocks side by side: each is its own [inputs, hidden] kernel
      const blocks = name.endsWith("/edges") ? shape[1] / hidden : 1;
      const limit = Math.sqrt(6 / (shape[0] + shape[1] / blocks));
      const rng = Rng.derive(seed, "init", name);
      for (let k = 0; k < size; k++) values[k] = rng.uniform(-limit, limit);
    }
    return values;
  });
}

/** Batch arrays as tensors (what one forward pass reads). */
export interface BatchTensors {
  nodeFeatures: tf.Tensor3D;
  adjacency: tf.Tensor3D | null;
  selectTrigger: tf.Tensor3D;
  selectAction: tf.Tensor3D;
  pairFeatures: tf.Tensor3D;
  labels: tf.Tensor1D;
  mask: tf.Tensor1D;
}

export function batchTensors(tfjs: Tf, batch: GraphBatch, widths: GraphWidths): BatchTensors {
  const { graphs: B, nodes: N, pairs: P } = batch;
  return {
    nodeFeatures: tfjs.tensor3d(batch.nodeFeatures, [B, N, widths.node]),
    adjacency: batch.adjacency ? tfjs.tensor3d(batch.adjacency, [B, N, widths.edgeTypes * N]) : null,
    selectTrigger: tfjs.tensor3d(batch.selectTrigger, [B, P, N]),
    selectAction: tfjs.tensor3d(batch.selectAction, [B, P, N]),
    pairFeatures: tfjs.tensor3d(batch.pairFeatures, [B, P, widths.pair]),
    labels: tfjs.tensor1d(batch.labels),
    mask: tfjs.tensor1d(batch.mask),
  };
}

export function disposeBatch(t: BatchTensors): void {
  for (const x of Object.values(t)) (x as tf.Tensor | null)?.dispose();
}

/** Dropout during training: its rate and a seed per step (tf.dropout's seeded masks repeat otherwise). */
export interface DropoutStep {
  rate: number;
  /** Rate on the neighbour messages of each encoder layer (DropMessage-style), 0 = none. */
  messageRate?: number;
  seed: number;
}

export class GnnNetwork {
  readonly shape: NetworkShape;
  readonly specs: readonly WeightSpec[];
  readonly #tf: Tf;
  readonly #variables: Map<string, tf.Variable>;

  constructor(tfjs: Tf, shape: NetworkShape, values: readonly Float32Array[]) {
    this.#tf = tfjs;
    this.shape = shape;
    this.specs = weightSpecs(shape);
    // tf.variable and assign keep their own copy of the data: the source tensors are freed here
    this.#variables = new Map(
      this.specs.map((spec, k) => {
        const initial = tfjs.tensor(values[k], spec.shape, "float32");
        const variable = tfjs.variable(initial, true, undefined, "float32");
        initial.dispose();
        return [spec.name, variable];
      }),
    );
  }

  get variables(): tf.Variable[] {
    return [...this.#variables.values()];
  }

  /** The current values, in specs order (a copy: the snapshot early stopping keeps). */
  values(): Float32Array[] {
    return this.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  }

  setValues(values: readonly Float32Array[]): void {
    this.specs.forEach((spec, k) => {
      const value = this.#tf.tensor(values[k], spec.shape, "float32");
      this.#variables.get(spec.name)!.assign(value);
      value.dispose();
    });
  }

  /** Logits [B·P] of a batch (call inside tf.tidy or optimizer.minimize). */
  logits(t: BatchTensors, dropout?: DropoutStep): tf.Tensor1D {
    const tfjs = this.#tf;
    const { hidden, widths } = this.shape;
    const [B, P] = t.pairFeatures.shape;
    const N = t.nodeFeatures.shape[1];
    const w = (name: string) => this.#variables.get(name)!;
    const drop = (x: tf.Tensor, site: number): tf.Tensor =>
      dropout && dropout.rate > 0
        ? tfjs.dropout(x, dropout.rate, undefined, deriveSeed(dropout.seed, site))
        : x;
    const parts: tf.Tensor[] = [];
    if (this.shape.nodeInputs) {
      let h: tf.Tensor2D = tfjs.reshape(t.nodeFeatures, [B * N, widths.node]);
      for (let l = 0; l < this.shape.layers; l++) {
        let z = tfjs.matMul(h, w(`encoder_${l}/self`) as tf.Tensor2D);
        if (this.#variables.has(`encoder_${l}/edges`) && t.adjacency) {
          const R = widths.edgeTypes;
          // H W_r for every r, stacked to [B, R·N, hidden] so that [Â_0 … Â_R-1] · it = Σ_r Â_r H W_r
          const perType = tfjs.reshape(tfjs.matMul(h, w(`encoder_${l}/edges`) as tf.Tensor2D), [
            B,
            N,
            R,
            hidden,
          ]);
          const stacked = tfjs.reshape(tfjs.transpose(perType, [0, 2, 1, 3]), [B, R * N, hidden]);
          let message: tf.Tensor = tfjs.reshape(tfjs.matMul(t.adjacency, stacked as tf.Tensor3D), [
            B * N,
            hidden,
          ]);
          if (dropout?.messageRate)
            message = tfjs.dropout(
              message,
              dropout.messageRate,
              undefined,
              deriveSeed(dropout.seed, "message", l),
            );
          z = tfjs.add(z, message);
        }
        h = drop(tfjs.relu(tfjs.add(z, w(`encoder_${l}/bias`))), l) as tf.Tensor2D;
      }
      const nodes = tfjs.reshape(h, [B, N, h.shape[1]]) as tf.Tensor3D;
      const triggers = tfjs.matMul(t.selectTrigger, nodes);
      const actions = tfjs.matMul(t.selectAction, nodes);
      parts.push(triggers, actions, tfjs.mul(triggers, actions));
    }
    parts.push(t.pairFeatures);
    const z = tfjs.reshape(parts.length > 1 ? tfjs.concat(parts, 2) : parts[0], [B * P, -1]) as tf.Tensor2D;
    const hiddenOut = drop(
      tfjs.relu(tfjs.add(tfjs.matMul(z, w("decoder/hidden") as tf.Tensor2D), w("decoder/hidden_bias"))),
      this.shape.layers,
    ) as tf.Tensor2D;
    const logit = tfjs.add(
      tfjs.matMul(hiddenOut, w("decoder/output") as tf.Tensor2D),
      w("decoder/output_bias"),
    );
    return tfjs.reshape(logit, [B * P]);
  }

  /**
   * Mean binary cross-entropy from logits over the real pairs (mask), positives weighted by
   * `positiveWeight`: softplus(−z)·y·w + softplus(z)·(1 − y), softplus(z) = relu(z) + log1p(e^−|z|).
   */
  loss(t: BatchTensors, positiveWeight: number, dropout?: DropoutStep): tf.Scalar {
    const tfjs = this.#tf;
    const z = this.logits(t, dropout);
    const softplus = tfjs.add(tfjs.relu(z), tfjs.log1p(tfjs.exp(tfjs.neg(tfjs.abs(z)))));
    const positive = tfjs.mul(tfjs.sub(softplus, z), tfjs.mul(t.labels, positiveWeight));
    const negative = tfjs.mul(softplus, tfjs.sub(1, t.labels));
    const perPair = tfjs.mul(tfjs.add(positive, negative), t.mask);
    return tfjs.div(tfjs.sum(perPair), tfjs.maximum(tfjs.sum(t.mask), 1));
  }

  dispose(): void {
    for (const v of this.#variables.values()) v.dispose();
    this.#variables.clear();
  }
}
