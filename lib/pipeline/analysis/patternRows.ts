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
    const idx = this.home.map((_, i) => i);
    idx.sort((a, b) => group[a] - group[b] || compareStrings(this.detail[a], this.detail[b]));
    return columnTable(PATTERNS_SCHEMA, {
      home_id: idx.map((i) => this.home[i]),
      entity_id: idx.map((i) => this.entity[i]),
      kind: idx.map((i) => this.kind[i]),
      detail: idx.map((i) => this.detail[i]),
      confidence: Float64Array.from(idx, (i) => this.confidence[i]),
      occurrences: Int32Array.from(idx, (i) => this.occurrences[i]),
    });
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Per value its rank among the distinct values in string order (equal strings, equal ranks). */
function ranks(values: readonly string[]): { rank: Int32Array; distinct: number } {
  const distinct = [...new Set(values)].sort(compareStrings);
  const rankOf = new Map(distinct.map((v, r) => [v, r]));
  return { rank: Int32Array.from(values, (v) => rankOf.get(v)!), distinct: distinct.length };
}
