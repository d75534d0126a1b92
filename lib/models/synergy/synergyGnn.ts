import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS } from "../../core/defaults.js";
import { HomeforgeError } from "../../core/errors.js";
import { deriveSeed, Rng } from "../../core/random.js";
import { chooseThreshold, prAuc, type ThresholdChoice } from "../evaluation/metrics.js";
import type { StandardizerState } from "../failure/standardizer.js";
import { WEIGHTS_BIN } from "../registry/fileIO.js";
import { loadTf, requireTf } from "../tf.js";
import {
  batchTensors,
  disposeBatch,
  GnnNetwork,
  initialWeights,
  type NetworkShape,
  type WeightSpec,
  weightSpecs,
} from "./gnnNetwork.js";
import {
  type Aggregation,
  type BatchScalers,
  batchesBySize,
  type GraphWidths,
  graphWidths,
  packBatch,
} from "./graphBatch.js";
import { fitRowMajor } from "./graphScaler.js";
import { EDGE_TYPES, type GraphScores, type PairScorer, type SynergyGraph } from "./synergyTypes.js";

export interface SynergyGnnParams {
  /** Width of node embeddings and of the decoder's hidden layer. */
  hidden: number;
  /** Encoder layers (message-passing rounds; per-node MLP layers without message passing). */
  layers: number;
  /** false = the ablation: the same per-node layers, no adjacency. */
  messagePassing: boolean;
  /**
   * false (only with messagePassing false) = the non-graph baseline: the decoder reads the
   * pair features alone.
   */
  nodeInputs: boolean;
  /**
   * "mean" (default): GraphSAGE's neighbour mean D^-1 A per edge type, self through W_self;
   * "gcn": D^-1/2 (A + I) D^-1/2. Mean was as good or better on the fixture tasks and within
   * 0.002 validation AP on v4-200, at the same speed (docs/notes/gnn.md).
   */
  aggregation: Aggregation;
  epochs: number;
  /** Epochs without a better validation mean per-graph average precision before stopping. */
  patience: number;
  learningRate: number;
  /** Graphs (homes) per optimiser step. */
  batchGraphs: number;
  /**
   * Dropout rate on node embeddings and the decoder's hidden layer (0 = none). 0.3 by default:
   * on v4-200's validation homes it lifted the GNN's mean per-graph AP from 0.863 to 0.909
   * (the network overfits 119 training homes within 3 epochs without it; docs/notes/gnn.md).
   */
  dropout: number;
  /**
   * Dropout rate on the neighbour messages alone (Σ_r Â_r H W_r of each encoder layer), on top
   * of `dropout`. 0.7 by default: chosen on v4-200's validation homes, where without it the
   * neighbour terms overfit and the GNN trailed its own ablation (validation mean per-graph AP
   * over the five cuts 0.909 → 0.925 with it; the ablation 0.926; 0.5 gave 0.920, 0.85 0.923).
   */
  messageDropout: number;
  /** Weight of positive pairs in the loss (1 = unweighted). */
  positiveWeight: number;
  seed: number;
}

export const DEFAULT_SYNERGY_GNN_PARAMS: SynergyGnnParams = {
  hidden: 32,
  layers: 2,
  messagePassing: true,
  nodeInputs: true,
  aggregation: "mean",
  epochs: 60,
  patience: 8,
  learningRate: 0.005,
  batchGraphs: 16,
  dropout: 0.3,
  messageDropout: 0.7,
  positiveWeight: 1,
  seed: DEFAULTS.seed,
};

/** The feature names a model records (its signature); generated as node_0 … when not given. */
export interface SynergyFeatureNames {
  node: readonly string[];
  pair: readonly string[];
}

export interface SynergyFitOptions {
  /** Validation graphs (other homes than train): early stopping, best epoch, threshold. */
  validation?: readonly SynergyGraph[];
  featureNames?: Partial<SynergyFeatureNames>;
  onEpoch?: (
    epoch: number,
    summary: { trainLoss: number; validationLoss: number; validationAp: number },
  ) => void;
}

export interface SynergyTrainingSummary {
  backend: string;
  train_graphs: number;
  train_pairs: number;
  train_positives: number;
  validation_graphs: number;
  validation_pairs: number;
  validation_positives: number;
  /** Validation graphs with both classes: those the mean per-graph AP averages over. */
  validation_graphs_ranked: number;
  /** What chose the best epoch. */
  selection: "validation_mean_graph_ap" | "validation_loss" | "last_epoch";
  epochs_run: number;
  /** 1-based; the weights kept. */
  best_epoch: number;
  stopped_early: boolean;
  train_loss: number[];
  validation_loss: number[];
  validation_ap: number[];
  best_validation_ap: number | null;
  /** Best-F1 threshold on the pooled validation pairs (null without validation positives). */
  threshold: ThresholdChoice | null;
}

export const GNN_FILE = "gnn.json";
export const GNN_FORMAT = "homeforge-synergy-gnn";

/** gnn.json: everything besides the weights needed to score graphs. */
export interface SynergyGnnFile {
  format: typeof GNN_FORMAT;
  format_version: 1;
  params: SynergyGnnParams;
  widths: GraphWidths;
  edge_types: string[];
  features: { node: string[]; pair: string[] };
  scalers: { node: StandardizerState; pair: StandardizerState };
  threshold: number;
  /** The variables in weights.bin, in order, float32 little-endian (tfjs weights-manifest entries). */
  weights: WeightSpec[];
  training: SynergyTrainingSummary | null;
}

const PREDICT_BATCH_GRAPHS = 64;

/**
 * Scores the candidate trigger→action pairs of home graphs: a message-passing encoder
 * (GraphSAGE-mean or GCN) over each home's devices and an MLP decoder on (trigger, action, their product, pair features).
 * scikit-learn style: `await new SynergyGnn(params).fit(train, { validation })`, then
 * `predict(graphs)` (a link probability per pair), `save(dir)`, `SynergyGnn.load(dir)`.
 * Seeded initialisers and batch order, early stopping on validation homes' mean per-graph
 * average precision with the best epoch's weights kept. Implements PairScorer.
 *
 * TensorFlow.js loads on the first fit or load (see ../tf.ts).
 */
export class SynergyGnn implements PairScorer {
  readonly params: Readonly<SynergyGnnParams>;
  #network: GnnNetwork | null = null;
  #widths: GraphWidths | null = null;
  #scalers: BatchScalers | null = null;
  #features: SynergyFeatureNames = { node: [], pair: [] };
  #edgeTypes: string[] = [];
  #threshold = 0.5;
  #training: SynergyTrainingSummary | null = null;

  constructor(params: Partial<SynergyGnnParams> = {}) {
    this.params = Object.freeze({ ...DEFAULT_SYNERGY_GNN_PARAMS, ...params });
    checkParams(this.params);
  }

  /** "gnn", "gnn_no_message_passing" (the ablation) or "pair_mlp" (the non-graph baseline). */
  get name(): string {
    if (!this.params.nodeInputs) return "pair_mlp";
    return this.params.messagePassing ? "gnn" : "gnn_no_message_passing";
  }
  get fitted(): boolean {
    return this.#network !== null;
  }
  get widths(): GraphWidths | null {
    return this.#widths;
  }
  get featureNames(): SynergyFeatureNames {
    return this.#features;
  }
  get edgeTypes(): readonly string[] {
    return this.#edgeTypes;
  }
  /** Best-F1 threshold on validation pairs (0.5 before fit or without validation positives). */
  get threshold(): number {
    return this.#threshold;
  }
  get training(): SynergyTrainingSummary | null {
    return this.#training;
  }

  async fit(train: readonly SynergyGraph[], options: SynergyFitOptions = {}): Promise<this> {
    const tf = await loadTf();
    await tf.ready();
    const p = this.params;
    const validation = options.validation ?? [];
    const widths = graphWidths([...train, ...validation], "graphs");
    if (!widths || train.length === 0)
      throw new HomeforgeError(
        "graphs",
        "no training graph has both nodes and candidate pairs",
        "train on homes with compatible device pairs",
      );
    requireLabels(train, "graphs");
    requireLabels(validation, "validation");
    const trainStats = pairStats(train);
    if (trainStats.positives === 0 || trainStats.positives === trainStats.pairs)
      throw new HomeforgeError(
        "graphs",
        `the training graphs hold ${trainStats.positives} linked of ${trainStats.pairs} candidate pairs; both classes are needed`,
        "train on more homes",
      );
    this.#features = featureNamesFor(options.featureNames, widths);
    this.#edgeTypes = Array.from({ length: widths.edgeTypes }, (_, r) =>
      widths.edgeTypes === EDGE_TYPES.length ? EDGE_TYPES[r] : `edge_${r}`,
    );
    this.#widths = widths;
    this.#scalers = {
      node: fitRowMajor(
        train.map((g) => g.nodeFeatures),
        widths.node,
      ),
      pair: fitRowMajor(
        train.map((g) => g.pairFeatures),
        widths.pair,
      ),
    };
    this.#network?.dispose();
    const shape = this.networkShape(widths);
    const share = trainStats.positives / trainStats.pairs;
    const network = new GnnNetwork(
      tf,
      shape,
      initialWeights(weightSpecs(shape), p.hidden, p.seed, Math.log(share / (1 - share))),
    );
    this.#network = network;

    const validationStats = pairStats(validation);
    const validationLabels = validation.map((g) => g.labels!);
    const ranked = validationLabels.filter((l) => hasBothClasses(l)).length;
    const selection: SynergyTrainingSummary["selection"] =
      validation.length === 0 ? "last_epoch" : ranked > 0 ? "validation_mean_graph_ap" : "validation_loss";
    const optimizer = tf.train.adam(p.learningRate);
    const trainLoss: number[] = [];
    const validationLoss: number[] = [];
    const validationAp: number[] = [];
    let best = Number.NEGATIVE_INFINITY;
    let bestEpoch = -1;
    let bestWeights: Float32Array[] | null = null;
    let stale = 0;
    let epoch = 0;
    try {
      for (; epoch < p.epochs; epoch++) {
        const batches = batchesBySize(train, p.batchGraphs, Rng.derive(p.seed, "batch_order", epoch));
        let lossSum = 0;
        let pairs = 0;
        for (const [step, members] of batches.entries()) {
          const graphs = members.map((i) => train[i]);
          const batch = packBatch(graphs, widths, this.#scalers, this.aggregation());
          const tensors = batchTensors(tf, batch, widths);
          const dropout = {
            rate: p.dropout,
            messageRate: p.messageDropout,
            seed: deriveSeed(p.seed, "dropout", epoch, step),
          };
          try {
            const cost = optimizer.minimize(
              () => network.loss(tensors, p.positiveWeight, dropout),
              true,
              network.variables,
            );
            const real = graphs.reduce((n, g) => n + g.pairCount, 0);
            lossSum += cost!.dataSync()[0] * real;
            pairs += real;
            cost!.dispose();
          } finally {
            disposeBatch(tensors);
          }
        }
        trainLoss.push(lossSum / Math.max(pairs, 1));
        if (validation.length === 0) continue;
        const proba = this.predict(validation);
        const loss = logLoss(validationLabels, proba);
        const ap = meanGraphAp(validationLabels, proba);
        validationLoss.push(loss);
        validationAp.push(ap);
        options.onEpoch?.(epoch, { trainLoss: trainLoss[epoch], validationLoss: loss, validationAp: ap });
        const criterion = selection === "validation_mean_graph_ap" ? ap : -loss;
        if (criterion > best + 1e-6) {
          best = criterion;
          bestEpoch = epoch;
          bestWeights = network.values();
          stale = 0;
        } else if (++stale >= p.patience) {
          epoch++;
          break;
        }
      }
    } finally {
      optimizer.dispose();
    }
    if (bestWeights) network.setValues(bestWeights);
    let threshold: ThresholdChoice | null = null;
    if (validationStats.positives > 0) {
      const proba = this.predict(validation);
      threshold = chooseThreshold(concat(validationLabels), concat(proba));
    }
    this.#threshold = threshold?.threshold ?? 0.5;
    this.#training = {
      backend: tf.getBackend(),
      train_graphs: train.length,
      train_pairs: trainStats.pairs,
      train_positives: trainStats.positives,
      validation_graphs: validation.length,
      validation_pairs: validationStats.pairs,
      validation_positives: validationStats.positives,
      validation_graphs_ranked: ranked,
      selection,
      epochs_run: epoch,
      best_epoch: bestEpoch >= 0 ? bestEpoch + 1 : epoch,
      stopped_early: epoch < p.epochs,
      train_loss: trainLoss,
      validation_loss: validationLoss,
      validation_ap: validationAp,
      best_validation_ap: bestEpoch >= 0 ? validationAp[bestEpoch] : null,
      threshold,
    };
    return this;
  }

  /** Link probability of every candidate pair, per graph (graph.trigger order). */
  predict(graphs: readonly SynergyGraph[]): Float32Array[] {
    const { network, widths, scalers } = this.learned();
    graphWidths(graphs, "graphs", widths);
    const tf = requireTf("the synergy GNN");
    // batches of similar node counts pad less; results go back in the caller's order
    const order = Array.from(graphs.keys()).sort(
      (a, b) => graphs[a].nodeCount - graphs[b].nodeCount || a - b,
    );
    const out: Float32Array[] = new Array(graphs.length);
    for (let start = 0; start < order.length; start += PREDICT_BATCH_GRAPHS) {
      const members = order.slice(start, start + PREDICT_BATCH_GRAPHS);
      const batch = packBatch(
        members.map((i) => graphs[i]),
        widths,
        scalers,
        this.aggregation(),
      );
      const proba = tf.tidy(() => {
        const tensors = batchTensors(tf, batch, widths);
        return tf.sigmoid(network.logits(tensors)).dataSync() as Float32Array;
      });
      members.forEach((i, b) => {
        out[i] = proba.slice(b * batch.pairs, b * batch.pairs + graphs[i].pairCount);
      });
    }
    return out;
  }

  /** PairScorer: predict's probabilities. */
  score(graphs: readonly SynergyGraph[]): GraphScores {
    return this.predict(graphs);
  }

  /** Writes gnn.json and weights.bin (the variables in gnn.json's order, float32) into `dir`. */
  async save(dir: string): Promise<void> {
    const { network } = this.learned();
    mkdirSync(dir, { recursive: true });
    const values = network.values();
    const bytes = Buffer.concat(values.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
    writeFileSync(join(dir, WEIGHTS_BIN), bytes);
    writeFileSync(join(dir, GNN_FILE), `${JSON.stringify(this.toFile(), null, 2)}\n`);
  }

  /** gnn.json's content. */
  toFile(): SynergyGnnFile {
    const { network, widths, scalers } = this.learned();
    return {
      format: GNN_FORMAT,
      format_version: 1,
      params: { ...this.params },
      widths: { ...widths },
      edge_types: [...this.#edgeTypes],
      features: { node: [...this.#features.node], pair: [...this.#features.pair] },
      scalers: { node: scalers.node, pair: scalers.pair },
      threshold: this.#threshold,
      weights: network.specs.map((s) => ({ ...s, shape: [...s.shape] })),
      training: this.#training,
    };
  }

  /** A model saved by `save` (or a registry version's directory). */
  static async load(dir: string): Promise<SynergyGnn> {
    const file = readGnnFile(dir);
    const tf = await loadTf();
    const bytes = readFileSync(join(dir, WEIGHTS_BIN));
    const problem = weightsProblem(file, bytes.byteLength);
    if (problem)
      throw new HomeforgeError(join(dir, WEIGHTS_BIN), problem, "save the model again, or restore the file");
    const model = new SynergyGnn(file.params);
    const floats = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    let offset = 0;
    const values = file.weights.map((spec) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const v = floats.subarray(offset, offset + size);
      offset += size;
      return v;
    });
    model.#widths = file.widths;
    model.#network = new GnnNetwork(tf, model.networkShape(file.widths), values);
    model.#scalers = file.scalers;
    model.#features = file.features;
    model.#edgeTypes = file.edge_types;
    model.#threshold = file.threshold;
    model.#training = file.training;
    return model;
  }

  dispose(): void {
    this.#network?.dispose();
    this.#network = null;
  }

  private networkShape(widths: GraphWidths): NetworkShape {
    return networkShapeOf(widths, this.params);
  }

  private aggregation(): Aggregation | null {
    return this.params.messagePassing ? this.params.aggregation : null;
  }

  private learned(): { network: GnnNetwork; widths: GraphWidths; scalers: BatchScalers } {
    if (!this.#network || !this.#widths || !this.#scalers)
      throw new HomeforgeError("model", "the synergy GNN is not fitted", "call fit() or load() first");
    return { network: this.#network, widths: this.#widths, scalers: this.#scalers };
  }
}

/** gnn.json of a saved model, checked to be one. */
export function readGnnFile(dir: string): SynergyGnnFile {
  const path = join(dir, GNN_FILE);
  let file: SynergyGnnFile;
  try {
    file = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new HomeforgeError(
      "model",
      `cannot read ${path} (${(e as Error).message.split("\n")[0]})`,
      "point at a directory written by SynergyGnn.save or the model registry",
    );
  }
  const problem = gnnFileProblem(file);
  if (problem) throw new HomeforgeError(path, problem, "load it with the loader of its model kind");
  return file;
}

/** What is wrong with a parsed gnn.json (null when nothing): format, names against widths, weight shapes. */
export function gnnFileProblem(file: unknown): string | null {
  const f = file as Partial<SynergyGnnFile> | null;
  if (f?.format !== GNN_FORMAT) return `is not a ${GNN_FORMAT} file`;
  if (f.format_version !== 1)
    return `has format_version ${JSON.stringify(f.format_version)}, which this homeforge does not read (1)`;
  const w = f.widths;
  if (!w || !f.features || !f.scalers || !Array.isArray(f.weights) || !f.params)
    return "lacks widths, features, scalers, weights or params";
  if (f.features.node?.length !== w.node || f.features.pair?.length !== w.pair)
    return `names ${f.features.node?.length} node and ${f.features.pair?.length} pair features for widths ${w.node} and ${w.pair}`;
  if (f.scalers.node?.mean?.length !== w.node || f.scalers.pair?.mean?.length !== w.pair)
    return "has scalers of other widths than its features";
  if (f.edge_types?.length !== w.edgeTypes)
    return `names ${f.edge_types?.length} edge types for ${w.edgeTypes}`;
  const expected = weightSpecs(networkShapeOf(w, f.params));
  if (
    expected.length !== f.weights.length ||
    expected.some((s, k) => s.name !== f.weights![k].name || s.shape.join() !== f.weights![k].shape.join())
  )
    return "lists weights that do not fit its params and widths";
  return null;
}

/** weights.bin's size against gnn.json's weight list (null when they agree). */
export function weightsProblem(file: SynergyGnnFile, byteLength: number): string | null {
  const floats = file.weights.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  return floats * 4 === byteLength
    ? null
    : `holds ${byteLength} bytes, gnn.json's weights need ${floats * 4}`;
}

/** The registry signature's feature list: node features then pair features, prefixed by kind. */
export function signatureFeatures(features: { node: readonly string[]; pair: readonly string[] }): string[] {
  return [...features.node.map((n) => `node.${n}`), ...features.pair.map((n) => `pair.${n}`)];
}

function networkShapeOf(widths: GraphWidths, p: SynergyGnnParams): NetworkShape {
  return {
    widths,
    hidden: p.hidden,
    layers: p.layers,
    messagePassing: p.messagePassing,
    nodeInputs: p.nodeInputs,
  };
}

function checkParams(p: SynergyGnnParams): void {
  const positiveInt = ["hidden", "epochs", "batchGraphs"] as const;
  for (const key of positiveInt)
    if (!Number.isInteger(p[key]) || p[key] < 1)
      throw new HomeforgeError(key, `is ${JSON.stringify(p[key])}`, "give a positive integer");
  for (const key of ["layers", "patience"] as const)
    if (!Number.isInteger(p[key]) || p[key] < 0)
      throw new HomeforgeError(key, `is ${JSON.stringify(p[key])}`, "give an integer ≥ 0");
  if (!(p.learningRate > 0))
    throw new HomeforgeError("learningRate", `is ${JSON.stringify(p.learningRate)}`, "give a number > 0");
  for (const key of ["dropout", "messageDropout"] as const)
    if (!(p[key] >= 0 && p[key] < 1))
      throw new HomeforgeError(key, `is ${JSON.stringify(p[key])}`, "give a rate in [0, 1)");
  if (!(p.positiveWeight > 0))
    throw new HomeforgeError("positiveWeight", `is ${JSON.stringify(p.positiveWeight)}`, "give a number > 0");
  if (p.aggregation !== "gcn" && p.aggregation !== "mean")
    throw new HomeforgeError("aggregation", `is ${JSON.stringify(p.aggregation)}`, 'use "gcn" or "mean"');
  if (!p.nodeInputs && p.messagePassing)
    throw new HomeforgeError(
      "nodeInputs",
      "is false while messagePassing is true (message passing needs node inputs)",
      "set messagePassing: false for the pair-features-only baseline",
    );
  if (p.messagePassing && p.layers === 0)
    throw new HomeforgeError(
      "layers",
      "is 0 with messagePassing",
      "give layers ≥ 1, or messagePassing: false",
    );
}

function requireLabels(graphs: readonly SynergyGraph[], field: string): void {
  for (const g of graphs)
    if (!g.labels || g.labels.length !== g.pairCount)
      throw new HomeforgeError(
        `${field} (home ${g.homeId})`,
        "has no labels for its pairs",
        "fit on graphs built from a dataset with the synergies truth",
      );
}

function featureNamesFor(
  given: Partial<SynergyFeatureNames> | undefined,
  widths: GraphWidths,
): SynergyFeatureNames {
  const names = (kind: "node" | "pair", width: number) => {
    const list = given?.[kind];
    if (!list) return Array.from({ length: width }, (_, j) => `${kind}_${j}`);
    if (list.length !== width)
      throw new HomeforgeError(
        `featureNames.${kind}`,
        `names ${list.length} features, the graphs have ${width}`,
        `give one name per ${kind} feature column`,
      );
    return [...list];
  };
  return { node: names("node", widths.node), pair: names("pair", widths.pair) };
}

function pairStats(graphs: readonly SynergyGraph[]): { pairs: number; positives: number } {
  let pairs = 0;
  let positives = 0;
  for (const g of graphs) {
    pairs += g.pairCount;
    for (const y of g.labels ?? []) positives += y;
  }
  return { pairs, positives };
}

function hasBothClasses(labels: Uint8Array): boolean {
  let positives = 0;
  for (const y of labels) positives += y;
  return positives > 0 && positives < labels.length;
}

/** Mean over graphs with both classes of each graph's average precision (NaN when none has both). */
export function meanGraphAp(labels: readonly Uint8Array[], proba: readonly Float32Array[]): number {
  let sum = 0;
  let n = 0;
  labels.forEach((l, k) => {
    if (!hasBothClasses(l)) return;
    sum += prAuc(l, proba[k]);
    n++;
  });
  return n > 0 ? sum / n : Number.NaN;
}

/** Mean binary log loss over every pair of every graph. */
function logLoss(labels: readonly Uint8Array[], proba: readonly Float32Array[]): number {
  let total = 0;
  let n = 0;
  labels.forEach((l, k) => {
    for (let i = 0; i < l.length; i++) {
      const q = Math.min(1 - 1e-7, Math.max(1e-7, proba[k][i]));
      total -= l[i] === 1 ? Math.log(q) : Math.log(1 - q);
      n++;
    }
  });
  return n > 0 ? total / n : Number.NaN;
}

function concat(arrays: readonly ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}
