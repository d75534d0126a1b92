import { type ColumnTable, columnTable } from "../../core/columnTable.js";
import { PATTERNS_SCHEMA } from "../storage/tables.js";

const KIND_ORDER = { transition: 0, peak_hours: 1, sequence: 2, co_occurrence: 3 } as const;
export type PatternKind = keyof typeof KIND_ORDER;

/** Pattern rows collected as columns, emitted sorted by (home, kind, entity, detail). */
export class PatternRows {
  private home: string[] = [];
  private entity: string[] = [];
  private kind: PatternKind[] = [];
  private detail: string[] = [];
  private confidence: number[] = [];
  private occurrences: number[] = [];

  push(home: string, entity: string, kind: PatternKind, detail: string, confidence: number, n: number): void {
    this.home.push(home);
    this.entity.push(entity);
    this.kind.push(kind);
    this.detail.push(detail);
    this.confidence.push(confidence);
    this.occurrences.push(n);
  }

  toTable(): ColumnTable {
    const n = this.home.length;
    // (home, kind, entity) as one number that orders like the strings; detail only breaks ties
    const homeRank = ranks(this.home).rank;
    const { rank: entityRank, distinct: entities } = ranks(this.entity);
    const group = new Float64Array(n);
    for (let i = 0; i < n; i++)
      group[i] = (homeRank[i] * 4 + KIND_ORDER[this.kind[i]]) * entities + entityRank[i];
    const idx = new Array<number>(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    sortGroup = group;
    sortDetail = this.detail;
    idx.sort(byGroupThenDetail);
    sortDetail = NO_STRINGS;
    return columnTable(PATTERNS_SCHEMA, {
      home_id: gatherStrings(this.home, idx),
      entity_id: gatherStrings(this.entity, idx),
      kind: gatherStrings(this.kind, idx),
      detail: gatherStrings(this.detail, idx),
      confidence: gatherNumbers(this.confidence, idx, new Float64Array(n)),
      occurrences: gatherNumbers(this.occurrences, idx, new Int32Array(n)),
    });
  }
}

// The sort's keys as module state and plain functions, not closures per call: closures made
// per call are recompiled by the JIT again and again in long runs (toTable runs once a home).
const NO_STRINGS: readonly string[] = [];
let sortGroup = new Float64Array(0);
let sortDetail: readonly string[] = NO_STRINGS;

function byGroupThenDetail(a: number, b: number): number {
  return sortGroup[a] - sortGroup[b] || compareStrings(sortDetail[a], sortDetail[b]);
}

function gatherStrings<T extends string>(values: readonly T[], idx: readonly number[]): T[] {
  const out = new Array<T>(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = values[idx[k]];
  return out;
}

function gatherNumbers<A extends Float64Array | Int32Array>(
  values: readonly number[],
  idx: readonly number[],
  out: A,
): A {
  for (let k = 0; k < idx.length; k++) out[k] = values[idx[k]];
  return out;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Per value its rank among the distinct values in string order (equal strings, equal ranks). */
function ranks(values: readonly string[]): { rank: Int32Array; distinct: number } {
  const distinct = [...new Set(values)].sort(compareStrings);
  const rankOf = new Map<string, number>();
  for (let r = 0; r < distinct.length; r++) rankOf.set(distinct[r], r);
  const rank = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) rank[i] = rankOf.get(values[i])!;
  return { rank, distinct: distinct.length };
}
