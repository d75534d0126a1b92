/**
 * Lineage in SQLite (better-sqlite3, WAL while open, a rollback journal when idle): which run
 * made which artifact from which inputs.
 *
 * - runs: job, status (running → completed | failed), wall-clock start/end, config, code version
 * - artifacts: datasets, tables, exports, training sets, model versions — by id, with uri and
 *   sha256; a model version also with its registry kind (model_kind, e.g. synergy_gnn)
 * - run_inputs / run_outputs: the artifacts (and the sha256 they had) a run read and wrote
 * - transformations: named steps of a run with rows in and out
 *
 * Wall-clock time belongs here, never in datasets or models, which stay byte-reproducible.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { HomeforgeError } from "../../core/errors.js";
import { canonicalJson } from "../../core/manifest.js";
import { defaultLineagePath } from "../../core/paths.js";
import { GENERATOR_VERSION, packageVersion } from "../../core/version.js";

export type ArtifactKind = "dataset" | "table" | "export" | "training_set" | "model_version" | string;

export interface ArtifactRef {
  id: string;
  kind: ArtifactKind;
  uri?: string | null;
  sha256?: string | null;
}

/** Which model versions a query of runs means: those of a registry kind, or of one model name. */
export type ModelFilter = { modelKind: string } | { modelName: string };

export interface RunRow {
  run_id: string;
  job: string;
  status: "running" | "completed" | "failed";
  started_at: string;
  ended_at: string | null;
  config: string;
  code_version: string;
  error: string | null;
}

export interface TransformationRow {
  run_id: string;
  name: string;
  input_artifact: string | null;
  output_artifact: string | null;
  rows_in: number | null;
  rows_out: number | null;
  detail: string | null;
}

export interface RunRecord {
  run: RunRow;
  inputs: ArtifactRef[];
  outputs: ArtifactRef[];
  transformations: TransformationRow[];
}

export interface LineageOptions {
  /** Wall clock for run timestamps; injectable for tests. */
  now?: () => number;
}

/** $HOMEFORGE_LINEAGE_DB, else lineage.sqlite in the data root ($HOMEFORGE_DATA_DIR or ./data). */

export function codeVersion(): string {
  return `homeforge ${packageVersion()} (generator ${GENERATOR_VERSION})`;
}

/** The artifact id of a model version, as models record it. */
export function modelVersionId(name: string, version: string): string {
  return `model:${name}@${version}`;
}

/** The model name in a model version's artifact id (`model:<name>@<version>`), else null. */
function modelNameOfId(id: string): string | null {
  return /^model:(.+)@[^@]+$/.exec(id)?.[1] ?? null;
}

/**
 * The registry kinds lineage knows (ModelKind.name of lib/models/registry/defaultKinds.ts;
 * a test holds the two lists equal). Lineage sits below the models room, so it keeps its copy.
 */
export const MODEL_KINDS = ["failure_classifier", "failure_router", "synergy_gnn"] as const;

/** The models the CLI trains under their default names (`<prefix>-global`, `-router`, synergy-gnn). */
export const DEFAULT_MODEL_NAMES = ["failure-global", "failure-router", "synergy-gnn"] as const;

/**
 * The kind a model's name implies, for versions recorded before lineage stored kinds:
 * `…-router` is a failure router, `synergy…` a synergy GNN, any other `failure-…` a failure
 * classifier (`failure-global`, `failure-<home type>`); null when the name says nothing.
 */
export function modelKindOfName(name: string): (typeof MODEL_KINDS)[number] | null {
  if (name.endsWith("-router")) return "failure_router";
  if (name.startsWith("synergy")) return "synergy_gnn";
  if (name.startsWith("failure-")) return "failure_classifier";
  return null;
}

/**
 * Reads `--kind` as typed: a registry kind (`synergy_gnn`), a model name (`synergy-gnn`,
 * `failure-global`: a default name or one the store records), or a kind with dashes
 * (`failure-classifier`). Anything else is a one-line error listing what is known.
 */
export function parseModelFilter(
  input: string,
  recordedNames: readonly string[],
  field = "--kind",
): ModelFilter {
  const kinds: readonly string[] = MODEL_KINDS;
  if (kinds.includes(input)) return { modelKind: input };
  const names = [...new Set([...DEFAULT_MODEL_NAMES, ...recordedNames])].sort();
  if (names.includes(input)) return { modelName: input };
  const dashed = input.replace(/-/g, "_");
  if (kinds.includes(dashed)) return { modelKind: dashed };
  throw new HomeforgeError(
    field,
    `"${input}" is neither a model kind nor a model name lineage knows`,
    `use a kind (${kinds.join(", ")}) or a model name (${names.join(", ")})`,
  );
}

/** A model version as a user may name it: `name@3`, `name@v3`, `model:name@production` … */
export interface ModelVersionRef {
  name: string;
  /** `v3`, or an alias (`production`, `candidate`) the registry has to resolve. */
  ref: string;
}

/**
 * Reads an artifact as typed on a command line. Model versions may drop the `model:`
 * prefix and the `v` of the version (`failure-global@3` is `model:failure-global@v3`);
 * everything else (datasets, exports, training sets) passes through as `id`.
 */
export function parseArtifact(input: string): { id: string } | { model: ModelVersionRef } {
  const m = /^(?:model:)?([^:@/\s]+)@([^@/\s]+)$/.exec(input);
  if (!m) return { id: input };
  return { model: { name: m[1], ref: /^[0-9]+$/.test(m[2]) ? `v${m[2]}` : m[2] } };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL UNIQUE,
  job TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  config TEXT NOT NULL,
  code_version TEXT NOT NULL,
  error TEXT
);
CREATE TABLE IF NOT EXISTS artifacts (
  artifact_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  uri TEXT,
  sha256 TEXT,
  model_kind TEXT
);
CREATE TABLE IF NOT EXISTS run_inputs (
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  artifact_id TEXT NOT NULL REFERENCES artifacts(artifact_id),
  sha256 TEXT,
  PRIMARY KEY (run_id, artifact_id)
);
CREATE TABLE IF NOT EXISTS run_outputs (
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  artifact_id TEXT NOT NULL REFERENCES artifacts(artifact_id),
  sha256 TEXT,
  PRIMARY KEY (run_id, artifact_id)
);
CREATE TABLE IF NOT EXISTS transformations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  name TEXT NOT NULL,
  input_artifact TEXT,
  output_artifact TEXT,
  rows_in INTEGER,
  rows_out INTEGER,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS run_inputs_artifact ON run_inputs(artifact_id);
CREATE INDEX IF NOT EXISTS run_outputs_artifact ON run_outputs(artifact_id);
`;

/** Whether the artifacts table has model_kind (stores written before it was added do not). */
function hasModelKindColumn(db: Database.Database): boolean {
  return (db.prepare("PRAGMA table_info(artifacts)").all() as { name: string }[]).some(
    (c) => c.name === "model_kind",
  );
}

function openForQueries(path: string, field: string): Database.Database {
  if (!existsSync(path)) {
    throw new HomeforgeError(
      field,
      `no lineage database at ${path}`,
      "run homeforge generate first or pass --db <file>",
    );
  }
  let db: Database.Database | undefined;
  try {
    if (statSync(path).isDirectory()) throw new Error("it is a directory");
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    // reads the header and the schema: a damaged file or another database fails here, not later
    db.prepare("SELECT count(*) FROM runs").get();
    return db;
  } catch (e) {
    db?.close();
    throw new HomeforgeError(
      field,
      `${path} is not a readable homeforge lineage database (${(e as Error).message})`,
      "pass the lineage.sqlite that homeforge generate wrote, or remove the damaged file",
    );
  }
}

/** The nearest existing ancestor of `path` when it is a file (so nothing can be created below it). */
function fileAncestor(path: string): string | null {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return existsSync(dir) && !statSync(dir).isDirectory() ? dir : null;
}

export class LineageStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly now: () => number;
  /** False for a store written before artifacts had model_kind, opened read-only (so not migrated). */
  private readonly storesModelKind: boolean;

  private constructor(path: string, options: LineageOptions, readOnly?: { field: string }) {
    this.path = path;
    this.now = options.now ?? Date.now;
    if (readOnly) {
      this.db = openForQueries(path, readOnly.field);
      this.storesModelKind = hasModelKindColumn(this.db);
      this.registerModelKindOfId();
      return;
    }
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("busy_timeout = 5000");
      this.db.pragma("foreign_keys = ON");
      this.db.exec(SCHEMA);
      if (!hasModelKindColumn(this.db)) this.db.exec("ALTER TABLE artifacts ADD COLUMN model_kind TEXT");
    } catch (e) {
      const underFile = fileAncestor(path);
      throw new HomeforgeError(
        "lineage",
        underFile
          ? `cannot create the lineage store ${path}: ${underFile} is a file, not a directory`
          : `cannot open the lineage store ${path} (${(e as Error).message})`,
        "pass --lineage-db (or set HOMEFORGE_LINEAGE_DB) to a writable SQLite file path, or remove the damaged file",
      );
    }
    this.storesModelKind = true;
    this.registerModelKindOfId();
  }

  /** homeforge_model_kind_of_id(id) in SQL: the kind a model version's name implies (modelKindOfName). */
  private registerModelKindOfId(): void {
    this.db.function("homeforge_model_kind_of_id", { deterministic: true }, (id: unknown) => {
      const name = typeof id === "string" ? modelNameOfId(id) : null;
      return name ? modelKindOfName(name) : null;
    });
  }

  /**
   * The SQL expression of an artifact's (alias `a`) model kind: the recorded one, else — for
   * versions recorded before kinds were — the kind its name implies.
   */
  private modelKindSql(): string {
    const byName = "homeforge_model_kind_of_id(a.artifact_id)";
    return this.storesModelKind ? `COALESCE(a.model_kind, ${byName})` : byName;
  }

  static open(path: string = defaultLineagePath(), options: LineageOptions = {}): LineageStore {
    return new LineageStore(path === ":memory:" ? path : resolve(path), options);
  }

  /**
   * Opens an existing store for queries only: creates nothing (no directory, no database,
   * no schema) and refuses a missing or damaged file with a one-line error naming `field`.
   */
  static openReadOnly(path: string = defaultLineagePath(), field = "--db"): LineageStore {
    return new LineageStore(resolve(path), {}, { field });
  }

  close(): void {
    // Back to a rollback journal when idle (the last writer out succeeds; others are busy and
    // skip it): a read-only query then finds no WAL to map and creates no -wal/-shm files.
    if (!this.db.readonly && this.path !== ":memory:") {
      try {
        this.db.pragma("journal_mode = DELETE");
      } catch {
        // another connection is open; it switches when it closes
      }
    }
    this.db.close();
  }

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** Starts a run; returns its id. */
  startRun(job: string, config: unknown = {}, version: string = codeVersion()): string {
    const runId = `run_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
    this.db
      .prepare(
        "INSERT INTO runs (run_id, job, status, started_at, config, code_version) VALUES (?, ?, 'running', ?, ?, ?)",
      )
      .run(runId, job, this.stamp(), canonicalJson(config ?? {}), version);
    return runId;
  }

  completeRun(runId: string): void {
    this.finishRun(runId, "completed", null);
  }

  failRun(runId: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.finishRun(runId, "failed", message);
  }

  private finishRun(runId: string, status: "completed" | "failed", error: string | null): void {
    const r = this.db
      .prepare("UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE run_id = ? AND status = 'running'")
      .run(status, this.stamp(), error, runId);
    if (r.changes !== 1) throw new Error(`lineage: run ${runId} is not running`);
  }

  /** Runs `body` as a run of `job`: completed when it returns, failed (and rethrown) when it throws. */
  async withRun<T>(job: string, config: unknown, body: (runId: string) => Promise<T> | T): Promise<T> {
    const runId = this.startRun(job, config);
    try {
      const result = await body(runId);
      this.completeRun(runId);
      return result;
    } catch (e) {
      this.failRun(runId, e);
      throw e;
    }
  }

  private upsertArtifact(a: ArtifactRef, modelKind: string | null = null): void {
    this.db
      .prepare(
        `INSERT INTO artifacts (artifact_id, kind, uri, sha256, model_kind) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(artifact_id) DO UPDATE SET kind = excluded.kind,
           uri = COALESCE(excluded.uri, artifacts.uri), sha256 = COALESCE(excluded.sha256, artifacts.sha256),
           model_kind = COALESCE(excluded.model_kind, artifacts.model_kind)`,
      )
      .run(a.id, a.kind, a.uri ?? null, a.sha256 ?? null, modelKind);
  }

  recordInput(runId: string, artifact: ArtifactRef): void {
    this.db.transaction(() => {
      this.upsertArtifact(artifact);
      this.db
        .prepare("INSERT OR REPLACE INTO run_inputs (run_id, artifact_id, sha256) VALUES (?, ?, ?)")
        .run(runId, artifact.id, artifact.sha256 ?? null);
    })();
  }

  recordOutput(runId: string, artifact: ArtifactRef, modelKind: string | null = null): void {
    this.db.transaction(() => {
      this.upsertArtifact(artifact, modelKind);
      this.db
        .prepare("INSERT OR REPLACE INTO run_outputs (run_id, artifact_id, sha256) VALUES (?, ?, ?)")
        .run(runId, artifact.id, artifact.sha256 ?? null);
    })();
  }

  /**
   * For model training runs: records the model version a run produced, with its registry
   * `kind` (meta.json's, e.g. "synergy_gnn") so `runs({ modelKind })` finds it; returns its
   * artifact id.
   */
  recordModelOutput(
    runId: string,
    model: { name: string; version: string; kind?: string; uri?: string; sha256?: string },
  ): string {
    const id = modelVersionId(model.name, model.version);
    this.recordOutput(
      runId,
      { id, kind: "model_version", uri: model.uri, sha256: model.sha256 },
      model.kind ?? null,
    );
    return id;
  }

  recordTransformation(
    runId: string,
    step: {
      name: string;
      input?: string;
      output?: string;
      rowsIn?: number;
      rowsOut?: number;
      detail?: unknown;
    },
  ): void {
    this.db
      .prepare(
        `INSERT INTO transformations (run_id, name, input_artifact, output_artifact, rows_in, rows_out, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        runId,
        step.name,
        step.input ?? null,
        step.output ?? null,
        step.rowsIn ?? null,
        step.rowsOut ?? null,
        step.detail === undefined
          ? null
          : typeof step.detail === "string"
            ? step.detail
            : JSON.stringify(step.detail),
      );
  }

  run(runId: string): RunRecord | null {
    const run = this.db
      .prepare(
        "SELECT run_id, job, status, started_at, ended_at, config, code_version, error FROM runs WHERE run_id = ?",
      )
      .get(runId) as RunRow | undefined;
    if (!run) return null;
    const refs = (table: "run_inputs" | "run_outputs") =>
      (
        this.db
          .prepare(
            `SELECT t.artifact_id AS id, a.kind, a.uri, t.sha256 FROM ${table} t
             JOIN artifacts a ON a.artifact_id = t.artifact_id WHERE t.run_id = ? ORDER BY t.artifact_id`,
          )
          .all(runId) as ArtifactRef[]
      ).map((r) => ({ ...r }));
    const transformations = this.db
      .prepare(
        `SELECT run_id, name, input_artifact, output_artifact, rows_in, rows_out, detail
         FROM transformations WHERE run_id = ? ORDER BY seq`,
      )
      .all(runId) as TransformationRow[];
    return { run, inputs: refs("run_inputs"), outputs: refs("run_outputs"), transformations };
  }

  /**
   * Recent runs, newest first: of one `job`, and/or (`model`) those that output a model
   * version of a registry kind or of a model name.
   */
  runs(options: { job?: string; limit?: number; model?: ModelFilter } = {}): RunRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (options.job) {
      where.push("r.job = ?");
      args.push(options.job);
    }
    if (options.model) {
      // a name matches by the id's prefix `model:<name>@` (substr, not LIKE: names may hold _ or %)
      const match =
        "modelKind" in options.model
          ? `${this.modelKindSql()} = ?`
          : "substr(a.artifact_id, 1, length(?)) = ?";
      where.push(
        `EXISTS (SELECT 1 FROM run_outputs o JOIN artifacts a ON a.artifact_id = o.artifact_id
         WHERE o.run_id = r.run_id AND a.kind = 'model_version' AND ${match})`,
      );
      if ("modelKind" in options.model) args.push(options.model.modelKind);
      else {
        const prefix = modelVersionId(options.model.modelName, "");
        args.push(prefix, prefix);
      }
    }
    return this.db
      .prepare(
        `SELECT run_id, job, status, started_at, ended_at, config, code_version, error FROM runs r
         ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`,
      )
      .all(...args, options.limit ?? 50) as RunRow[];
  }

  /** The names of the models whose versions the store records, sorted. */
  modelNames(): string[] {
    const ids = this.db
      .prepare("SELECT artifact_id AS id FROM artifacts WHERE kind = 'model_version'")
      .all() as { id: string }[];
    const names = new Set<string>();
    for (const { id } of ids) {
      const name = modelNameOfId(id);
      if (name) names.add(name);
    }
    return [...names].sort();
  }

  artifact(id: string): ArtifactRef | null {
    const row = this.db
      .prepare("SELECT artifact_id AS id, kind, uri, sha256 FROM artifacts WHERE artifact_id = ?")
      .get(id) as ArtifactRef | undefined;
    return row ? { ...row } : null;
  }

  private runIds(sql: string, id: string): string[] {
    return (this.db.prepare(sql).all(id) as { run_id: string }[]).map((r) => r.run_id);
  }

  /** The completed runs that wrote artifact `id`, newest first. */
  producedBy(id: string): RunRecord[] {
    return this.runIds(
      `SELECT o.run_id FROM run_outputs o JOIN runs r ON r.run_id = o.run_id
       WHERE o.artifact_id = ? AND r.status = 'completed' ORDER BY r.seq DESC`,
      id,
    ).map((runId) => this.run(runId)!);
  }

  /** The runs that read artifact `id`, newest first. */
  consumersOf(id: string): RunRecord[] {
    return this.runIds(
      `SELECT i.run_id FROM run_inputs i JOIN runs r ON r.run_id = i.run_id
       WHERE i.artifact_id = ? ORDER BY r.seq DESC`,
      id,
    ).map((runId) => this.run(runId)!);
  }

  /**
   * What was trained on artifact `id` (a dataset, or anything derived from it): every run
   * downstream of it that produced a model version, with those versions.
   */
  trainedOn(id: string): { run: RunRecord; models: ArtifactRef[] }[] {
    const out: { run: RunRecord; models: ArtifactRef[] }[] = [];
    const seenRuns = new Set<string>();
    const queue = [id];
    const seenArtifacts = new Set(queue);
    while (queue.length > 0) {
      const artifact = queue.shift()!;
      for (const record of this.consumersOf(artifact)) {
        if (seenRuns.has(record.run.run_id)) continue;
        seenRuns.add(record.run.run_id);
        const models = record.outputs.filter((o) => o.kind === "model_version");
        if (models.length > 0 && record.run.status === "completed") out.push({ run: record, models });
        for (const o of record.outputs) {
          if (!seenArtifacts.has(o.id)) {
            seenArtifacts.add(o.id);
            queue.push(o.id);
          }
        }
      }
    }
    return out;
  }

  /**
   * The full chain behind an artifact (e.g. `modelVersionId(name, version)`): the runs that
   * produced it, the runs that produced their inputs, and so on, oldest first.
   */
  chain(id: string): RunRecord[] {
    const chain: RunRecord[] = [];
    const seenRuns = new Set<string>();
    const queue = [id];
    const seenArtifacts = new Set(queue);
    while (queue.length > 0) {
      const artifact = queue.shift()!;
      // the newest completed run that made it is the one its current bytes came from
      const [producer] = this.producedBy(artifact);
      if (!producer || seenRuns.has(producer.run.run_id)) continue;
      seenRuns.add(producer.run.run_id);
      chain.push(producer);
      for (const input of producer.inputs) {
        if (!seenArtifacts.has(input.id)) {
          seenArtifacts.add(input.id);
          queue.push(input.id);
        }
      }
    }
    return chain.reverse();
  }

  /** Every record, for audit. */
  exportJson(): {
    format: "homeforge-lineage";
    runs: RunRow[];
    artifacts: (ArtifactRef & { model_kind: string | null })[];
    run_inputs: unknown[];
    run_outputs: unknown[];
    transformations: TransformationRow[];
  } {
    const all = (sql: string) => this.db.prepare(sql).all();
    return {
      format: "homeforge-lineage",
      runs: all(
        "SELECT run_id, job, status, started_at, ended_at, config, code_version, error FROM runs ORDER BY seq",
      ) as RunRow[],
      artifacts: all(
        `SELECT artifact_id AS id, kind, uri, sha256, ${this.storesModelKind ? "model_kind" : "NULL AS model_kind"}
         FROM artifacts a ORDER BY artifact_id`,
      ) as (ArtifactRef & { model_kind: string | null })[],
      run_inputs: all("SELECT run_id, artifact_id, sha256 FROM run_inputs ORDER BY run_id, artifact_id"),
      run_outputs: all("SELECT run_id, artifact_id, sha256 FROM run_outputs ORDER BY run_id, artifact_id"),
      transformations: all(
        `SELECT run_id, name, input_artifact, output_artifact, rows_in, rows_out, detail
         FROM transformations ORDER BY seq`,
      ) as TransformationRow[],
    };
  }
}
