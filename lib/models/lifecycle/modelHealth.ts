import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ColumnTable } from "../../core/columnTable.js";
import { defaultDataRoot } from "../../core/paths.js";
import { type OpenDataset, openDataset, resolveDatasetDir } from "../../pipeline/storage/openDataset.js";
import { TELEMETRY_SCHEMA } from "../../pipeline/storage/tables.js";
import type { FailureClassifier } from "../failure/failureClassifier.js";
import { FAILURE_CLASSIFIER_KIND } from "../failure/failureKind.js";
import type { FailureRouter } from "../failure/failureRouter.js";
import { FAILURE_ROUTER_KIND } from "../failure/routerKind.js";
import { CHECKSUMS_FILE, META_FILE, ModelRegistry } from "../registry/registry.js";
import type { ModelMeta } from "../registry/types.js";
import { homeSynergyGraph } from "../synergy/homeSynergyGraph.js";
import { NODE_FEATURE_NAMES } from "../synergy/nodeFeatures.js";
import { PAIR_FEATURE_NAMES } from "../synergy/pairFeatures.js";
import type { SynergyGnn } from "../synergy/synergyGnn.js";
import { SYNERGY_GNN_KIND } from "../synergy/synergyGnnKind.js";
import { type DriftColumns, failureDriftColumns, synergyDriftColumns } from "./healthDrift.js";
import { failureProbeTable, probeDays, synergyProbeHome } from "./healthProbes.js";
import { checkRef, hasRef, messageOf, requireKnownModel, servedByRouter } from "./reportSupport.js";
import { readRetrainingHistory } from "./retrainingHistory.js";
import {
  type DriftReport,
  readTrainingSnapshot,
  snapshotDrift,
  TRAINING_SNAPSHOT_FILE,
} from "./trainingSnapshot.js";

export interface ModelHealthOptions {
  /** The version of the named model(s) to check (default production). */
  ref?: string;
  /** Dataset id (under $HOMEFORGE_DATA_DIR or ./data) or directory: measure drift against it. */
  dataset?: string;
  /** The clock for `age_days` (default now). */
  now?: Date;
}

export interface FileHealth {
  file: string;
  /** null: missing. */
  bytes: number | null;
  /** Listed in checksums.json (a file that is not is a problem). */
  listed: boolean;
}

export interface ProbeResult {
  /** What was fed in. */
  input: string;
  /** Probabilities out (routes, for a router). */
  outputs: number;
  /** Over the finite outputs; null when none is. */
  min: number | null;
  max: number | null;
  /** Outputs that are not finite probabilities in [0, 1]. */
  invalid: number;
  /** Some output, and every one a finite probability in [0, 1]. */
  ok: boolean;
  ms: number;
}

export interface VersionHealth {
  name: string;
  version: string;
  kind: string | null;
  /** Why it was checked: "asked", or what a router serves it for. */
  role: string;
  files: FileHealth[];
  /** Every file matches checksums.json (the registry's inspect). */
  hashes_match: boolean;
  /** null: not tried (its files do not verify). */
  loads: boolean | null;
  probe: ProbeResult | null;
  /** Days since meta.created_at. */
  age_days: number | null;
  drift: DriftReport | null;
  /** Why drift is null, or what it was measured on. */
  drift_note: string;
  /** One line each: `field: problem; fix`. */
  problems: string[];
  /** Worth acting on, but the model serves: drifted features. */
  warnings: string[];
  healthy: boolean;
}

export interface ModelHealthReport {
  format: "homeforge-model-health";
  format_version: 1;
  models_dir: string;
  ref: string;
  checked_at: string;
  dataset: { id: string; dir: string } | null;
  healthy: boolean;
  versions: VersionHealth[];
  /** Every version's problems, and the registry's model-level ones (aliases, locks, leftovers). */
  problems: string[];
  warnings: string[];
}

const DAY_MS = 86_400_000;
/** How the registry words a version's broken reference (registry.ts referenceProblems). */
const REFERENCE_PROBLEM = / is served by \S+ v[0-9]+, which (does not exist|does not verify)/;
const RETRAIN_FIX = "retrain on recent data (homeforge train --dataset ID) and promote the new version";

/** Data read once per health check, on first need. */
class DriftSource {
  private opened?: OpenDataset;
  private telemetry?: Promise<ColumnTable>;
  private synergy?: Promise<DriftColumns>;

  constructor(readonly dir: string) {}

  get dataset(): OpenDataset {
    this.opened ??= openDataset(this.dir, "--dataset");
    return this.opened;
  }

  telemetryTable(): Promise<ColumnTable> {
    this.telemetry ??= this.dataset.table(TELEMETRY_SCHEMA.name);
    return this.telemetry;
  }

  synergyColumns(): Promise<DriftColumns> {
    this.synergy ??= synergyDriftColumns(this.dataset);
    return this.synergy;
  }
}

function filesOf(dir: string): { files: FileHealth[] } {
  let listed: string[] = [];
  try {
    listed = Object.keys(JSON.parse(readFileSync(join(dir, CHECKSUMS_FILE), "utf8")).files ?? {});
  } catch {
    // a missing or damaged checksums.json is the registry's problem to report
  }
  const present = existsSync(dir) ? readdirSync(dir) : [];
  const names = [...new Set([...listed, ...present])].sort();
  return {
    files: names.map((file) => {
      const path = join(dir, file);
      const bytes = existsSync(path) && statSync(path).isFile() ? statSync(path).size : null;
      return { file, bytes, listed: listed.includes(file) || file === CHECKSUMS_FILE };
    }),
  };
}

function probeOf(input: string, outputs: ArrayLike<number>, started: number): ProbeResult {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let invalid = 0;
  for (let i = 0; i < outputs.length; i++) {
    const p = outputs[i];
    if (!Number.isFinite(p) || p < 0 || p > 1) invalid++;
    if (!Number.isFinite(p)) continue;
    if (p < min) min = p;
    if (p > max) max = p;
  }
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    input,
    outputs: outputs.length,
    min: finite(min),
    max: finite(max),
    invalid,
    ok: outputs.length > 0 && invalid === 0,
    ms: Math.round(performance.now() - started),
  };
}

const line = (field: string, problem: string, fix: string) => `${field}: ${problem}; ${fix}`;

/** Does this registry problem concern `version` of `name`, or the model as a whole (aliases, lock)? */
function concerns(problem: string, name: string, version: string): boolean {
  const model = `models/${name}/`;
  if (!problem.startsWith(model)) return false;
  const rest = problem.slice(model.length);
  const m = /^(v[0-9]+)[/:]/.exec(rest);
  return m ? m[1] === version : true;
}

class HealthCheck {
  readonly registry: ModelRegistry;
  readonly checked = new Map<string, VersionHealth>();
  private readonly inspected = new Map<string, string[]>();

  constructor(
    private readonly modelsDir: string,
    private readonly now: Date,
    private readonly drift: DriftSource | null,
  ) {
    this.registry = new ModelRegistry(modelsDir);
  }

  /**
   * Without a dataset, the drift the last retraining check measured for this version (drift
   * "if known"): the report, where and when, the drifted features as warnings.
   */
  private knownDrift(health: VersionHealth): void {
    const { entries } = readRetrainingHistory(this.modelsDir);
    for (let k = entries.length - 1; k >= 0; k--) {
      const found = entries[k].drift.find(
        (d) => d.model === health.name && d.version === health.version && d.report,
      );
      if (!found?.report) continue;
      health.drift = found.report;
      health.drift_note = `from the retraining check of ${entries[k].at} on dataset ${entries[k].dataset.id} (retraining_history.jsonl); pass --dataset ID|DIR to measure now`;
      for (const f of found.report.features.filter((x) => x.drifted))
        health.warnings.push(
          `feature ${f.feature} drifted on dataset ${entries[k].dataset.id} at the last retraining check (PSI ${f.psi.toFixed(3)}, Jensen–Shannon ${f.jsDivergence.toFixed(3)} bits)`,
        );
      return;
    }
  }

  /** The registry's own problems with the model (every version), once per model. */
  private registryProblems(name: string): string[] {
    let found = this.inspected.get(name);
    if (!found) {
      found = this.registry.inspect(name).problems;
      this.inspected.set(name, found);
    }
    return found;
  }

  async version(name: string, version: string, role: string): Promise<VersionHealth> {
    const key = `${name}@${version}`;
    const seen = this.checked.get(key);
    if (seen) {
      if (!seen.role.split("; ").includes(role)) seen.role = `${seen.role}; ${role}`;
      return seen;
    }
    const where = `models/${name}/${version}`;
    const dir = join(this.registry.modelDir(name), version);
    const problems = this.registryProblems(name).filter((p) => concerns(p, name, version));
    // a router whose served versions are damaged still has sound files of its own: it loads,
    // and the versions it serves are checked (and reported) each in turn
    const fileProblems = problems.filter(
      (p) => (p.startsWith(`${where}/`) || p.startsWith(`${where}:`)) && !REFERENCE_PROBLEM.test(p),
    );
    const health: VersionHealth = {
      name,
      version,
      kind: null,
      role,
      ...filesOf(dir),
      hashes_match: fileProblems.length === 0,
      loads: null,
      probe: null,
      age_days: null,
      drift: null,
      drift_note: this.drift
        ? "not measured: the version does not verify"
        : "not measured: pass --dataset ID|DIR (library: options.dataset) to compare a dataset with the version's training snapshot",
      problems,
      warnings: [],
      healthy: false,
    };
    this.checked.set(key, health);
    if (fileProblems.length === 0) await this.loadAndProbe(health, dir);
    if (!this.drift && fileProblems.length === 0) this.knownDrift(health);
    health.healthy = health.problems.length === 0;
    return health;
  }

  private async loadAndProbe(health: VersionHealth, dir: string): Promise<void> {
    const { name, version } = health;
    const where = `models/${name}/${version}`;
    // every file was just verified against checksums.json (inspect), so the kind loads it as is
    const meta = JSON.parse(readFileSync(join(dir, META_FILE), "utf8")) as ModelMeta;
    health.kind = meta.kind;
    const created = Date.parse(meta.created_at);
    if (Number.isFinite(created))
      health.age_days = Math.round(((this.now.getTime() - created) / DAY_MS) * 100) / 100;
    let loaded: { model: unknown };
    try {
      loaded = { model: await this.registry.kind(meta.kind, where).load(dir, meta) };
      health.loads = true;
    } catch (e) {
      health.loads = false;
      const why = e instanceof Error ? e.message : String(e);
      health.problems.push(
        line(where, `does not load (${why.split("\n")[0]})`, `restore ${where} from a backup, or retrain`),
      );
      return;
    }
    try {
      if (meta.kind === FAILURE_CLASSIFIER_KIND.name)
        await this.classifier(health, meta, dir, loaded.model as FailureClassifier);
      else if (meta.kind === SYNERGY_GNN_KIND.name)
        await this.synergy(health, dir, loaded.model as SynergyGnn);
      else if (meta.kind === FAILURE_ROUTER_KIND.name)
        await this.router(health, loaded.model as FailureRouter);
      else health.drift_note = `not measured: health does not know ${meta.kind} models`;
    } finally {
      this.registry
        .kinds()
        .find((k) => k.name === meta.kind)
        ?.dispose?.(loaded.model);
    }
  }

  /** Runs a probe prediction; a throw or anything but finite probabilities in [0, 1] is a problem. */
  private probe(health: VersionHealth, input: string, predict: () => ArrayLike<number>): void {
    const where = `models/${health.name}/${health.version}`;
    const started = performance.now();
    let out: ArrayLike<number>;
    try {
      out = predict();
    } catch (e) {
      const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
      health.problems.push(
        line(where, `fails the probe (${input}): ${why}`, "roll back or retrain the model"),
      );
      return;
    }
    const p = probeOf(input, out, started);
    health.probe = p;
    if (p.ok) return;
    health.problems.push(
      line(
        `models/${health.name}/${health.version}/weights.bin`,
        `the probe (${p.input}) gave ${p.invalid} of ${p.outputs} outputs that are not finite probabilities in [0, 1]`,
        `the weights are unusable: roll back (homeforge models rollback ${health.name}) or retrain`,
      ),
    );
  }

  private async classifier(health: VersionHealth, meta: ModelMeta, dir: string, model: FailureClassifier) {
    const where = `models/${health.name}/${health.version}`;
    const recorded = meta.signature.inputs.features;
    if (recorded.join("\n") !== model.featureNames.join("\n"))
      health.problems.push(
        line(
          `${where}/preprocess.json`,
          `builds ${model.featureNames.length} features, meta.json's signature lists ${recorded.length} others`,
          `restore ${where} from a backup, or retrain`,
        ),
      );
    const table = failureProbeTable(model.featureSpec);
    const days = probeDays(model.featureSpec);
    this.probe(
      health,
      `${table.rows} synthetic telemetry rows: ${table.rows / days} devices × ${days} days`,
      () => model.predictProba(table),
    );
    if (this.drift)
      await this.measureDrift(health, dir, async () =>
        failureDriftColumns(await this.drift!.telemetryTable(), model.featureSpec, metricsHomeType(dir)),
      );
  }

  private async synergy(health: VersionHealth, dir: string, model: SynergyGnn) {
    const where = `models/${health.name}/${health.version}`;
    const names = model.featureNames;
    const same = (a: readonly string[], b: readonly string[]) => a.join("\n") === b.join("\n");
    if (!same(names.node, NODE_FEATURE_NAMES) || !same(names.pair, PAIR_FEATURE_NAMES)) {
      health.problems.push(
        line(
          `${where}/gnn.json`,
          `reads ${names.node.length} node and ${names.pair.length} pair features, this homeforge builds ${NODE_FEATURE_NAMES.length} and ${PAIR_FEATURE_NAMES.length} others, so it cannot score a home's graph`,
          "retrain it with this homeforge (homeforge train-synergy)",
        ),
      );
      return;
    }
    const graph = homeSynergyGraph(synergyProbeHome(), null);
    this.probe(
      health,
      `a synthetic home: ${graph.nodeCount} devices, ${graph.pairCount} candidate pairs`,
      () => model.predict([graph])[0],
    );
    if (this.drift) await this.measureDrift(health, dir, () => this.drift!.synergyColumns());
  }

  private async router(health: VersionHealth, router: FailureRouter) {
    const started = performance.now();
    const served = router.homeTypes.map((t) => router.servedFor(t));
    health.probe = {
      input: `${router.homeTypes.length} home types and an unknown one`,
      outputs: served.length + 1,
      min: null,
      max: null,
      invalid: 0,
      ok: true,
      ms: Math.round(performance.now() - started),
    };
    health.drift_note = "not measured: a router reads no features; see the classifiers it routes to";
    const roles = new Map<string, string[]>();
    for (const ref of router.references()) {
      const key = `${ref.name}@${ref.version}`;
      roles.set(key, [...(roles.get(key) ?? []), ref.role]);
    }
    for (const s of servedByRouter(router)) {
      const role = `${health.name} ${health.version}: ${roles.get(`${s.name}@${s.version}`)!.join(", ")}`;
      const served = await this.version(s.name, s.version, role);
      if (!served.healthy)
        health.problems.push(
          line(
            `models/${health.name}/${health.version}`,
            `serves ${s.name} ${s.version}, which is unhealthy (its problems are listed with it)`,
            `fix ${s.name} ${s.version}, or roll the router back (homeforge models rollback ${health.name})`,
          ),
        );
    }
  }

  private async measureDrift(health: VersionHealth, dir: string, columns: () => Promise<DriftColumns>) {
    const where = `models/${health.name}/${health.version}`;
    let snapshot: ReturnType<typeof readTrainingSnapshot>;
    try {
      snapshot = readTrainingSnapshot(dir);
    } catch (e) {
      health.problems.push(messageOf(e));
      return;
    }
    if (!snapshot) {
      health.drift_note = `not measured: ${where} has no ${TRAINING_SNAPSHOT_FILE} (versions saved before training wrote snapshots have none); retrain to get one`;
      return;
    }
    try {
      health.drift = snapshotDrift(snapshot, await columns());
    } catch (e) {
      health.drift_note = `not measured: ${messageOf(e)}`;
      return;
    }
    const id = this.drift!.dataset.manifest.dataset_id;
    health.drift_note = `${snapshot.unit}s of dataset ${id} (${health.drift.rows} rows) against the ${snapshot.rows} training rows of ${TRAINING_SNAPSHOT_FILE}`;
    for (const f of health.drift.features.filter((x) => x.drifted))
      health.warnings.push(
        line(
          `${where}/${TRAINING_SNAPSHOT_FILE}`,
          `feature ${f.feature} drifted on dataset ${id} (PSI ${f.psi.toFixed(3)}, Jensen–Shannon ${f.jsDivergence.toFixed(3)} bits; thresholds ${health.drift.thresholds.psi} / ${health.drift.thresholds.jsDivergence})`,
          RETRAIN_FIX,
        ),
      );
  }
}

/** metrics.json's home_type of a failure classifier ("all" for the global one; null when absent). */
function metricsHomeType(dir: string): string | null {
  const type = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")).home_type;
  return typeof type === "string" ? type : null;
}

/**
 * Whether served models can serve: per version, every file present with its size, the
 * hashes against checksums.json (the registry's inspect), the model loads and scores a probe
 * input to finite probabilities in [0, 1] (a synthetic telemetry history for a failure
 * classifier, a tiny home graph for the synergy model), its age, and — with `dataset` —
 * drift of the dataset's features against the version's training snapshot. A router is
 * checked with every classifier it routes to. `name` narrows to one model (its `ref`
 * version); without, every model with a `ref` version. Loads TensorFlow.js.
 */
export async function modelHealth(
  modelsDir: string,
  name?: string,
  options: ModelHealthOptions = {},
): Promise<ModelHealthReport> {
  const ref = options.ref ?? "production";
  const now = options.now ?? new Date();
  checkRef(ref);
  const registry = new ModelRegistry(modelsDir);
  if (name !== undefined) requireKnownModel(registry, name);
  let drift: DriftSource | null = null;
  if (options.dataset !== undefined) {
    const dir = existsSync(options.dataset)
      ? options.dataset
      : resolveDatasetDir(options.dataset, defaultDataRoot(), "--dataset");
    drift = new DriftSource(dir);
    void drift.dataset; // a bad dataset is an error before anything is checked
  }
  const check = new HealthCheck(modelsDir, now, drift);
  const problems: string[] = [];
  for (const n of name !== undefined ? [name] : registry.names()) {
    let version: string;
    try {
      if (name === undefined && !hasRef(registry, n, ref)) continue; // nothing to check, not a problem
      version = registry.resolve(n, ref);
    } catch (e) {
      if (name !== undefined) throw e;
      problems.push(messageOf(e));
      continue;
    }
    await check.version(n, version, "asked");
  }
  const versions = [...check.checked.values()];
  if (versions.length === 0 && problems.length === 0)
    problems.push(
      `models: no model in ${registry.root} has a ${ref} version, so nothing can serve; train one (homeforge train, homeforge train-synergy), or pass --models`,
    );
  for (const v of versions) for (const p of v.problems) if (!problems.includes(p)) problems.push(p);
  const warnings = versions.flatMap((v) => v.warnings);
  return {
    format: "homeforge-model-health",
    format_version: 1,
    models_dir: registry.root,
    ref,
    checked_at: now.toISOString(),
    dataset: drift ? { id: drift.dataset.manifest.dataset_id, dir: drift.dataset.dir } : null,
    healthy: problems.length === 0,
    versions,
    problems,
    warnings,
  };
}
