import { HomeforgeError } from "../../core/errors.js";
import { parseModelRef } from "../registry/modelRef.js";
import { ModelRegistry } from "../registry/registry.js";
import { pairReason } from "./pairReason.js";
import { SYNERGY_MODEL_NAME } from "./registerSynergyModel.js";
import type { SynergyGnn } from "./synergyGnn.js";
import { SYNERGY_GNN_KIND } from "./synergyGnnKind.js";
import type { SynergyGraph } from "./synergyTypes.js";

export interface DetectSynergiesOptions {
  /** Registry root. */
  modelsDir: string;
  /** `NAME[@REF]` (REF: production, candidate, v3 or 3). Default `synergy-gnn@production`. */
  model?: string;
  /** Keep the best `top` pairs of each home (default: all). */
  top?: number;
  /** How errors name the model option (default "model"). */
  field?: string;
}

/** One ranked candidate pair of a home. */
export interface DetectedSynergy {
  home_id: string;
  rank: number;
  trigger_entity: string;
  action_entity: string;
  relationship: string;
  /** Link probability from the model. */
  score: number;
  /** score ≥ the model's threshold (chosen on validation homes). */
  predicted_link: boolean;
  same_area: boolean;
  /** What the events say, in words. */
  reason: string;
  /** The planted truth when the graph carries it (a generated dataset), else null. */
  linked: boolean | null;
}

export interface DetectedSynergies {
  model: { name: string; version: string; threshold: number };
  /** Pairs of every home, each home's best first, homes in input order. */
  pairs: DetectedSynergy[];
}

/**
 * The verified version a spec names, checked to be a synergy model: cheap (no TensorFlow.js),
 * so callers check it before reading data. One-line errors for a bad reference, an unknown
 * model or version, a damaged version or another kind.
 */
export function resolveSynergyModel(
  modelsDir: string,
  spec: string | undefined,
  field = "model",
): { name: string; version: string } {
  const { name, ref } = parseModelRef(spec ?? SYNERGY_MODEL_NAME, field);
  const shown = new ModelRegistry(modelsDir).show(name, ref);
  if (shown.meta.kind !== SYNERGY_GNN_KIND.name) {
    throw new HomeforgeError(
      field,
      `${name} ${shown.version} is a ${shown.meta.kind} model, not a ${SYNERGY_GNN_KIND.label}`,
      `pass a synergy model, e.g. ${SYNERGY_MODEL_NAME}`,
    );
  }
  return { name, version: shown.version };
}

/** Loads the synergy model a spec names from the registry (verified). */
export async function loadSynergyModel(
  modelsDir: string,
  spec: string | undefined,
  field = "model",
): Promise<{ name: string; version: string; model: SynergyGnn }> {
  const { name, ref } = parseModelRef(spec ?? SYNERGY_MODEL_NAME, field);
  const registry = new ModelRegistry(modelsDir);
  const loaded = await registry.load(name, ref, SYNERGY_GNN_KIND);
  return { name, version: loaded.version, model: loaded.model };
}

/**
 * Ranks the candidate trigger→action pairs of each graph (one home's devices and events,
 * built by `homeSynergyGraph` or `loadSynergyGraphs`) with a registered synergy model: score,
 * relationship, a reason from the events, and the truth when the graph has it.
 */
export async function detectSynergies(
  graphs: SynergyGraph | readonly SynergyGraph[],
  options: DetectSynergiesOptions,
): Promise<DetectedSynergies> {
  const field = options.field ?? "model";
  const top = options.top;
  if (top !== undefined && !(Number.isInteger(top) && top >= 1)) {
    throw new HomeforgeError("top", `${top} is not a whole number ≥ 1`, "pass e.g. top: 10");
  }
  const list = Array.isArray(graphs) ? graphs : [graphs as SynergyGraph];
  const loaded = await loadSynergyModel(options.modelsDir, options.model, field);
  try {
    return {
      model: { name: loaded.name, version: loaded.version, threshold: loaded.model.threshold },
      pairs: rankPairs(list, loaded.model.predict(list), loaded.model.threshold, top),
    };
  } finally {
    loaded.model.dispose();
  }
}

/** Each graph's pairs by score, best first (ties keep the candidate order), cut to `top`. */
export function rankPairs(
  graphs: readonly SynergyGraph[],
  scores: readonly Float32Array[],
  threshold: number,
  top?: number,
): DetectedSynergy[] {
  const out: DetectedSynergy[] = [];
  graphs.forEach((g, gi) => {
    const s = scores[gi];
    const order = Array.from({ length: g.pairCount }, (_, i) => i).sort((a, b) => s[b] - s[a] || a - b);
    for (const [rank, p] of order.slice(0, top ?? order.length).entries()) {
      out.push({
        home_id: g.homeId,
        rank: rank + 1,
        trigger_entity: g.entityIds[g.trigger[p]],
        action_entity: g.entityIds[g.action[p]],
        relationship: g.relationship[p],
        score: s[p],
        predicted_link: s[p] >= threshold,
        same_area: g.sameArea[p] === 1,
        reason: pairReason(g.evidence[p], g.sameArea[p] === 1),
        linked: g.labels ? g.labels[p] === 1 : null,
      });
    }
  });
  return out;
}
