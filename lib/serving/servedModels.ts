import type { FailureClassifier } from "../models/failure/failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "../models/failure/failureKind.js";
import { type FailureRouter, routerName } from "../models/failure/failureRouter.js";
import { resolvePredictionModel } from "../models/failure/predictFailures.js";
import { FAILURE_ROUTER_KIND } from "../models/failure/routerKind.js";
import { ModelRegistry } from "../models/registry/registry.js";
import { SYNERGY_MODEL_NAME } from "../models/synergy/registerSynergyModel.js";
import type { SynergyGnn } from "../models/synergy/synergyGnn.js";
import { SYNERGY_GNN_KIND } from "../models/synergy/synergyGnnKind.js";
import { type FastScorer, fastScorerFor } from "./fastScorer.js";
import { ModelSlot, type SlotLog } from "./modelSlot.js";
import type { AbSplit, Arm } from "./onlineAb.js";

export type ScorerChoice = "fast" | "tfjs";

/** One classifier version, loaded, with its plain-JS forward pass (null: scored through TF.js). */
export interface ServedClassifier {
  name: string;
  version: string;
  classifier: FailureClassifier;
  scorer: FastScorer | null;
}

/**
 * What scores failures on one arm: a router version and every classifier it routes to, or
 * one classifier version serving every home type. Loaded completely before it is served.
 */
export class FailureServing {
  readonly name: string;
  readonly version: string;
  readonly kind: "failure_router" | "failure_classifier";
  readonly #router: FailureRouter | null;
  readonly #classifiers: Map<string, ServedClassifier>;

  constructor(
    model: { name: string; version: string; kind: FailureServing["kind"] },
    router: FailureRouter | null,
    classifiers: Map<string, ServedClassifier>,
  ) {
    this.name = model.name;
    this.version = model.version;
    this.kind = model.kind;
    this.#router = router;
    this.#classifiers = classifiers;
  }

  /** The classifier version serving devices of `homeType` (the router's default for types it has no route for). */
  servedFor(homeType: string | null): ServedClassifier {
    if (!this.#router) return this.#classifiers.values().next().value!;
    const served = this.#router.servedFor(homeType);
    return this.#classifiers.get(`${served.name}@${served.version}`)!;
  }

  get classifiers(): ServedClassifier[] {
    return [...this.#classifiers.values()];
  }

  dispose(): void {
    for (const c of this.#classifiers.values()) c.classifier.dispose();
  }
}

/** Loads a failure router (and every classifier it names) or one classifier, exact version. */
export async function loadFailureServing(
  modelsDir: string,
  name: string,
  version: string,
  scorer: ScorerChoice = "fast",
): Promise<FailureServing> {
  const asked = resolvePredictionModel({ modelsDir, model: `${name}@${version}` });
  const registry = new ModelRegistry(modelsDir);
  const classifiers = new Map<string, ServedClassifier>();
  try {
    let router: FailureRouter | null = null;
    const wanted: { name: string; version: string }[] = [];
    if (asked.kind === FAILURE_ROUTER_KIND.name) {
      router = (await registry.load<FailureRouter>(name, asked.version, FAILURE_ROUTER_KIND)).model;
      wanted.push(...router.references());
    } else {
      wanted.push(asked);
    }
    for (const w of wanted) {
      const key = `${w.name}@${w.version}`;
      if (classifiers.has(key)) continue;
      const loaded = await registry.load<FailureClassifier>(w.name, w.version, FAILURE_CLASSIFIER_KIND);
      classifiers.set(key, { name: w.name, version: w.version, classifier: loaded.model, scorer: null });
      classifiers.get(key)!.scorer = scorer === "fast" ? fastScorerFor(loaded.model) : null;
    }
    return new FailureServing({ ...asked, kind: asked.kind as FailureServing["kind"] }, router, classifiers);
  } catch (e) {
    for (const c of classifiers.values()) c.classifier.dispose();
    throw e;
  }
}

export interface ServedSynergy {
  name: string;
  version: string;
  model: SynergyGnn;
  dispose(): void;
}

export interface ServedModelsOptions {
  modelsDir: string;
  /** The failure router (or one classifier) served at production (default failure-router). */
  router?: string;
  /** Split failure traffic between two refs of one router or classifier (then `router` is not used). */
  ab?: AbSplit | null;
  /** The synergy model served at production (default synergy-gnn). */
  synergyModel?: string;
  /** How the classifiers' networks run: "fast" (plain JS where it matches TF.js, the default) or "tfjs". */
  scorer?: ScorerChoice;
  /** How often each served model's aliases.json is checked, ms (default 1000; 0: never). */
  watchIntervalMs?: number;
  log?: SlotLog;
}

/**
 * Everything the service serves, each loaded once and hot-swapped: the failure models per
 * arm (arm "a" only without an A/B split) and the synergy model. `open` loads what exists;
 * absent models leave their slot empty with the reason.
 */
export class ServedModels {
  readonly failure: Partial<Record<Arm, ModelSlot<FailureServing>>>;
  readonly synergy: ModelSlot<ServedSynergy>;
  readonly ab: AbSplit | null;
  readonly watchIntervalMs: number;
  #timer: NodeJS.Timeout | null = null;

  private constructor(options: ServedModelsOptions) {
    const { modelsDir } = options;
    const log: SlotLog = options.log ?? (() => {});
    const failureSlot = (name: string, ref: string) =>
      new ModelSlot(modelsDir, name, ref, (v) => loadFailureServing(modelsDir, name, v, options.scorer), log);
    this.ab = options.ab ?? null;
    this.failure = this.ab
      ? { a: failureSlot(this.ab.model, this.ab.a), b: failureSlot(this.ab.model, this.ab.b) }
      : { a: failureSlot(options.router ?? routerName("failure"), "production") };
    const synergyName = options.synergyModel ?? SYNERGY_MODEL_NAME;
    this.synergy = new ModelSlot(
      modelsDir,
      synergyName,
      "production",
      async (version) => {
        const loaded = await new ModelRegistry(modelsDir).load<SynergyGnn>(
          synergyName,
          version,
          SYNERGY_GNN_KIND,
        );
        return { name: synergyName, version, model: loaded.model, dispose: () => loaded.model.dispose() };
      },
      log,
    );
    this.watchIntervalMs = options.watchIntervalMs ?? 1000;
  }

  static async open(options: ServedModelsOptions): Promise<ServedModels> {
    const served = new ServedModels(options);
    await served.poll();
    if (served.watchIntervalMs > 0) {
      served.#timer = setInterval(() => void served.poll(), served.watchIntervalMs);
      served.#timer.unref();
    }
    return served;
  }

  get slots(): ModelSlot<FailureServing | ServedSynergy>[] {
    return [...Object.values(this.failure), this.synergy] as ModelSlot<FailureServing | ServedSynergy>[];
  }

  /** Checks every served alias once (what the watcher does every interval). */
  async poll(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.poll()));
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const slot of this.slots) slot.close();
  }
}
