import type { ColumnTable } from "../../core/columnTable.js";
import { HomeforgeError } from "../../core/errors.js";
import { checkRankingK, DEFAULT_RANKING_K, meanDefined } from "../synergy/rankingMetrics.js";

/** A synergy detector's output: scored trigger→action pairs, higher score = more likely linked. */
export interface RankedPairs {
  home_id: readonly (string | null)[];
  trigger_entity: readonly (string | null)[];
  action_entity: readonly (string | null)[];
  score: ArrayLike<number | null>;
}

export interface SynergyEvaluationOptions {
  /** Cut-off for precision@k. Default 5. */
  k?: number;
  /** Pairs scoring at or above this count as predicted links for precision and recall. Default 0.5. */
  threshold?: number;
  /** Evaluate only these homes. Default: every home in the synergies table. */
  homes?: readonly string[];
}

export interface HomeSynergyMetrics {
  homeId: string;
  /** Planted (linked) pairs in the truth. */
  positives: number;
  /** Pairs the detector scored. */
  ranked: number;
  /** Scored pairs at or above the threshold. */
  predicted: number;
  /** Predicted pairs that are planted links. */
  truePositives: number;
  /** truePositives / predicted; NaN when nothing is predicted. */
  precision: number;
  /** truePositives / positives; NaN when the home has no planted link. */
  recall: number;
  /** Mean over planted links of the precision at each one's rank (unranked links add 0); NaN without links. */
  averagePrecision: number;
  /** Links among the top min(k, candidates) ranked pairs over min(k, candidates); NaN without candidates. */
  precisionAtK: number;
}

export interface SynergyEvaluation {
  k: number;
  threshold: number;
  homes: HomeSynergyMetrics[];
  /** Mean of each metric over the homes where it is defined, and how many homes that is. */
  macro: {
    precision: number;
    recall: number;
    averagePrecision: number;
    precisionAtK: number;
    homesWithPrediction: number;
    homesWithPositives: number;
  };
}

/**
 * Scores a detector's ranked pairs against the planted truth of a synergies table
 * (SYNERGIES_SCHEMA: home_id, trigger_entity, action_entity, linked). Pairs are directed.
 * Within a home, pairs are ranked by score, highest first; ties keep the input order. A
 * scored pair missing from the truth table counts as a negative; a planted link the
 * detector never scored is a miss at the bottom of its ranking. (On SynergyGraphs,
 * lib/models/synergy/rankingMetrics.ts gives the tie-aware metrics, independent of order.)
 */
export function evaluateSynergyRanking(
  truth: ColumnTable,
  ranked: RankedPairs | ColumnTable,
  options: SynergyEvaluationOptions = {},
): SynergyEvaluation {
  const k = options.k ?? DEFAULT_RANKING_K;
  const threshold = options.threshold ?? 0.5;
  checkRankingK(k);
  if (!Number.isFinite(threshold)) {
    throw new HomeforgeError(
      "evaluation.threshold",
      `${threshold} is not a number`,
      "pass e.g. threshold: 0.5",
    );
  }
  const truthByHome = readTruth(truth);
  const homeIds = options.homes ? [...options.homes] : [...truthByHome.keys()];
  for (const h of homeIds) {
    if (!truthByHome.has(h)) {
      throw new HomeforgeError(
        "evaluation.homes",
        `home ${h} is not in the synergies table`,
        "evaluate homes of the dataset the synergies table belongs to",
      );
    }
  }
  const rankedByHome = readRanked(ranked, truthByHome);

  const homes = homeIds.map((homeId) =>
    scoreHome(homeId, truthByHome.get(homeId)!, rankedByHome.get(homeId) ?? [], k, threshold),
  );
  const mean = (pick: (m: HomeSynergyMetrics) => number) => meanDefined(homes.map(pick)).mean;
  return {
    k,
    threshold,
    homes,
    macro: {
      precision: mean((m) => m.precision),
      recall: mean((m) => m.recall),
      averagePrecision: mean((m) => m.averagePrecision),
      precisionAtK: mean((m) => m.precisionAtK),
      homesWithPrediction: homes.filter((m) => m.predicted > 0).length,
      homesWithPositives: homes.filter((m) => m.positives > 0).length,
    },
  };
}

interface Scored {
  pair: string;
  score: number;
}

function scoreHome(
  homeId: string,
  truth: Map<string, boolean>,
  ranked: Scored[],
  k: number,
  threshold: number,
): HomeSynergyMetrics {
  // stable sort: equal scores keep the detector's order
  const order = [...ranked].sort((a, b) => b.score - a.score);
  let positives = 0;
  for (const linked of truth.values()) if (linked) positives++;
  const candidates = new Set([...truth.keys(), ...order.map((s) => s.pair)]).size;
  const cut = Math.min(k, candidates);

  let hits = 0;
  let precisionSum = 0;
  let hitsAtK = 0;
  let predicted = 0;
  let truePositives = 0;
  order.forEach((s, rank) => {
    const linked = truth.get(s.pair) === true;
    if (linked) {
      hits++;
      precisionSum += hits / (rank + 1);
      if (rank < cut) hitsAtK++;
    }
    if (s.score >= threshold) {
      predicted++;
      if (linked) truePositives++;
    }
  });
  return {
    homeId,
    positives,
    ranked: order.length,
    predicted,
    truePositives,
    precision: predicted > 0 ? truePositives / predicted : Number.NaN,
    recall: positives > 0 ? truePositives / positives : Number.NaN,
    averagePrecision: positives > 0 ? precisionSum / positives : Number.NaN,
    precisionAtK: cut > 0 ? hitsAtK / cut : Number.NaN,
  };
}

const pairKey = (trigger: string, action: string) => `${trigger}\u0000${action}`;

function stringColumn(
  table: string,
  columns: Record<string, unknown>,
  name: string,
  rows: number,
): readonly (string | null)[] {
  const col = columns[name] as readonly (string | null)[] | undefined;
  if (!col || typeof (col as { length?: unknown }).length !== "number") {
    throw new HomeforgeError(table, `column ${name} is missing`, `pass a table with a ${name} column`);
  }
  if (col.length !== rows) {
    throw new HomeforgeError(
      table,
      `column ${name} has ${col.length} rows, expected ${rows}`,
      "give every column the same length",
    );
  }
  for (let i = 0; i < rows; i++) {
    if (typeof col[i] !== "string" || col[i] === "") {
      throw new HomeforgeError(table, `row ${i} has no ${name}`, `give every row a non-empty ${name}`);
    }
  }
  return col;
}

/** Truth per home: pair → linked. */
function readTruth(truth: ColumnTable): Map<string, Map<string, boolean>> {
  const columns = (truth?.columns ?? {}) as Record<string, unknown>;
  const rows = truth?.rows ?? (columns.home_id as unknown[] | undefined)?.length ?? 0;
  const home = stringColumn("synergies", columns, "home_id", rows);
  const trigger = stringColumn("synergies", columns, "trigger_entity", rows);
  const action = stringColumn("synergies", columns, "action_entity", rows);
  const linked = columns.linked as ArrayLike<number | boolean | null> | undefined;
  if (!linked || linked.length !== rows) {
    throw new HomeforgeError(
      "synergies",
      linked ? `column linked has ${linked.length} rows, expected ${rows}` : "column linked is missing",
      "pass the synergies table (SYNERGIES_SCHEMA) that holds the planted truth",
    );
  }
  const byHome = new Map<string, Map<string, boolean>>();
  for (let i = 0; i < rows; i++) {
    const l = linked[i];
    if (l !== 0 && l !== 1 && l !== true && l !== false) {
      throw new HomeforgeError("synergies", `row ${i} has linked = ${l}`, "linked must be 0/1 or true/false");
    }
    let pairs = byHome.get(home[i]!);
    if (!pairs) {
      pairs = new Map();
      byHome.set(home[i]!, pairs);
    }
    const key = pairKey(trigger[i]!, action[i]!);
    if (pairs.has(key)) {
      throw new HomeforgeError(
        "synergies",
        `pair ${trigger[i]} → ${action[i]} of ${home[i]} appears twice`,
        "keep one row per (home_id, trigger_entity, action_entity)",
      );
    }
    pairs.set(key, l === 1 || l === true);
  }
  return byHome;
}

function readRanked(
  ranked: RankedPairs | ColumnTable,
  truthByHome: Map<string, Map<string, boolean>>,
): Map<string, Scored[]> {
  const isTable = typeof ranked === "object" && ranked !== null && "schema" in ranked && "columns" in ranked;
  const columns = ((isTable ? (ranked as ColumnTable).columns : ranked) ?? {}) as Record<string, unknown>;
  const rows = (columns.home_id as unknown[] | undefined)?.length ?? 0;
  const home = stringColumn("ranked pairs", columns, "home_id", rows);
  const trigger = stringColumn("ranked pairs", columns, "trigger_entity", rows);
  const action = stringColumn("ranked pairs", columns, "action_entity", rows);
  const score = columns.score as ArrayLike<number | null> | undefined;
  if (!score || score.length !== rows) {
    throw new HomeforgeError(
      "ranked pairs",
      score ? `column score has ${score.length} rows, expected ${rows}` : "column score is missing",
      "give each pair a numeric score (higher = more likely linked)",
    );
  }
  const byHome = new Map<string, Scored[]>();
  const seen = new Set<string>();
  for (let i = 0; i < rows; i++) {
    const s = score[i];
    if (typeof s !== "number" || !Number.isFinite(s)) {
      throw new HomeforgeError("ranked pairs", `row ${i} has score ${s}`, "scores must be finite numbers");
    }
    const h = home[i]!;
    if (!truthByHome.has(h)) {
      throw new HomeforgeError(
        "ranked pairs",
        `home ${h} (row ${i}) is not in the synergies table`,
        "score pairs of homes in the dataset the synergies table belongs to",
      );
    }
    const pair = pairKey(trigger[i]!, action[i]!);
    const unique = `${h}\u0000${pair}`;
    if (seen.has(unique)) {
      throw new HomeforgeError(
        "ranked pairs",
        `pair ${trigger[i]} → ${action[i]} of ${h} is scored twice`,
        "score each (home, trigger, action) pair once",
      );
    }
    seen.add(unique);
    const list = byHome.get(h);
    if (list) list.push({ pair, score: s });
    else byHome.set(h, [{ pair, score: s }]);
  }
  return byHome;
}
