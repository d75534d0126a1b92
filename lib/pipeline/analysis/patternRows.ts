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
    const idx = this.home.map((_, i) => i);
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    idx.sort(
      (a, b) =>
        cmp(this.home[a], this.home[b]) ||
        KIND_ORDER[this.kind[a]] - KIND_ORDER[this.kind[b]] ||
        cmp(this.entity[a], this.entity[b]) ||
        cmp(this.detail[a], this.detail[b]),
    );
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
