import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { HomeforgeError } from "../../core/errors.js";
import { inspectLock, pidAlive, withLock } from "../../core/lock.js";
import { defaultModelsRoot } from "../../core/paths.js";
import { dependencyVersion, packageVersion } from "../../core/version.js";
import type { FailureClassifier } from "../failure/failureClassifier.js";
import { DEFAULT_MODEL_KINDS } from "./defaultKinds.js";
import { MODEL_JSON, WEIGHTS_BIN } from "./fileIO.js";
import type { ModelKind } from "./kinds.js";
import {
  ALIAS_NAMES,
  type Aliases,
  type AliasName,
  type Checksums,
  type LoadedVersion,
  type ModelMeta,
  type ModelSummary,
  type RegistryProblem,
  type SavedVersion,
  type SaveModelInfo,
  type SaveRequest,
  type VersionInfo,
} from "./types.js";

export * from "./kinds.js";
export * from "./types.js";

/**
 * The model registry: `<root>/<name>/<version>/` holds model.json + weights.bin,
 * preprocess.json, meta.json, metrics.json and card.md; `<root>/<name>/aliases.json` names
 * the production and candidate versions.
 *
 * - Versions (v1, v2, …) are immutable and never reused, even after a delete. Every file of
 *   a version is covered by a hash: checksums.json, written last, lists the sha256 of every
 *   other file (model.json, weights.bin, preprocess.json, split.json, meta.json,
 *   metrics.json, card.md …) and carries a sha256 of its own contents. Every load checks
 *   them all, so a damaged directory is reported, never silently used. metrics.json is the
 *   one file that changes later (the evaluator's verdict): updateMetrics rewrites it and
 *   checksums.json together under the lock.
 * - aliases.json carries a sha256 of its own contents too, and its structure is checked on
 *   every read.
 * - Every write is atomic: a version is built in a hidden temp dir and renamed into place;
 *   aliases.json, metrics.json and checksums.json are replaced by rename. A crash leaves at
 *   most hidden temp files, which listing ignores, check reports and the next save removes
 *   (or, for an interrupted metrics update, finishes).
 * - A lock file per model serialises saves and alias changes across processes, so two
 *   processes saving at once get distinct versions.
 * - Model kinds (kinds.ts, as MLflow flavors): meta.json records each version's kind, and
 *   saveModel, load and check dispatch on it. The registry knows DEFAULT_MODEL_KINDS
 *   (defaultKinds.ts) unless given `kinds`. A version of a kind it does not know is still
 *   listed, shown, promoted and checked file by file; only load refuses it.
 * - Importing the registry loads no TensorFlow.js; loading a model does (see ../tf.ts).
 */
export const META_FILE = "meta.json";
export const METRICS_FILE = "metrics.json";
export const CARD_FILE = "card.md";
export const ALIASES_FILE = "aliases.json";
/** Written last in every version: the sha256 of every other file, plus its own. */
export const CHECKSUMS_FILE = "checksums.json";

const LOCK_FILE = ".lock";
const TEMP_PREFIX = ".tmp-";
const DELETED_PREFIX = ".deleted-";
const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]*$/i;
const VERSION_PATTERN = /^v([1-9][0-9]*)$/;
/** Our own temp files: `<file>.tmp-<pid>` (see writeJson). */
const TEMP_FILE_PATTERN = /^(.+)\.tmp-(\d+)$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;
/** The model files of a version whose kind the registry does not know (what every kind once wrote). */
const LEGACY_MODEL_FILES: readonly string[] = [MODEL_JSON, WEIGHTS_BIN];
/** The files every version holds whatever its kind (checksums.json besides): the registry writes them. */
const REGISTRY_FILES: readonly string[] = [META_FILE, METRICS_FILE, CARD_FILE];

export interface RegistryOptions {
  lockTimeoutMs?: number;
  /** Receives notes about repaired leftovers (stale locks, incomplete saves). */
  onWarning?: (message: string) => void;
  /** The model kinds it saves, loads and checks (default DEFAULT_MODEL_KINDS). */
  // biome-ignore lint/suspicious/noExplicitAny: kinds of different model types
  kinds?: readonly ModelKind<any>[];
}

export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

export function sha256Text(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The exact text of a checksums.json listing `files` (sorted by name), self hash included. */
export function checksumsText(files: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const body = { format: "homeforge-checksums", format_version: 1, algorithm: "sha256", files: sorted };
  const self = sha256Text(`${JSON.stringify(body, null, 2)}\n`);
  return `${JSON.stringify({ ...body, self_sha256: self }, null, 2)}\n`;
}

/** The exact text of an aliases.json, with its own sha256 (over the text without it). */
function aliasesText(aliases: Aliases): string {
  const body = {
    production: aliases.production,
    candidate: aliases.candidate,
    production_history: aliases.production_history,
    last_version: aliases.last_version,
  };
  const sha256 = sha256Text(`${JSON.stringify(body, null, 2)}\n`);
  return `${JSON.stringify({ ...body, sha256 }, null, 2)}\n`;
}

function problemText(p: RegistryProblem): string {
  return `${p.field}: ${p.problem}; ${p.fix}`;
}

function toError(p: RegistryProblem): HomeforgeError {
  return new HomeforgeError(p.field, p.problem, p.fix);
}

export function versionNumber(version: string): number | null {
  const m = VERSION_PATTERN.exec(version);
  return m ? Number(m[1]) : null;
}

function emptyAliases(): Aliases {
  return { production: null, candidate: null, production_history: [], last_version: 0 };
}

export function libraryVersions(backend: string): Record<string, string | null> {
  const out: Record<string, string | null> = {
    homeforge: packageVersion(),
    "@tensorflow/tfjs": dependencyVersion("@tensorflow/tfjs"),
    node: process.version,
  };
  if (backend === "wasm")
    out["@tensorflow/tfjs-backend-wasm"] = dependencyVersion("@tensorflow/tfjs-backend-wasm");
  if (backend === "tensorflow") out["@tensorflow/tfjs-node"] = dependencyVersion("@tensorflow/tfjs-node");
  return out;
}

export class ModelRegistry {
  readonly root: string;
  private readonly options: RegistryOptions;
  // biome-ignore lint/suspicious/noExplicitAny: kinds of different model types
  private readonly kindsByName: ReadonlyMap<string, ModelKind<any>>;

  constructor(root: string = defaultModelsRoot(), options: RegistryOptions = {}) {
    this.root = resolve(root);
    this.options = options;
    this.kindsByName = new Map((options.kinds ?? DEFAULT_MODEL_KINDS).map((k) => [k.name, k]));
  }

  /** The kinds this registry knows, by name. */
  // biome-ignore lint/suspicious/noExplicitAny: kinds of different model types
  kinds(): ModelKind<any>[] {
    return [...this.kindsByName.values()];
  }

  /** The kind named `name`; a one-line error naming the known ones when there is none. */
  kind<M = unknown>(name: string, field = "model kind"): ModelKind<M> {
    const kind = this.kindsByName.get(name);
    if (!kind) {
      throw new HomeforgeError(
        field,
        `"${name}" is not a model kind this registry knows`,
        `known kinds: ${[...this.kindsByName.keys()].join(", ") || "none"}; pass its ModelKind in new ModelRegistry(root, { kinds })`,
      );
    }
    return kind as ModelKind<M>;
  }

  modelDir(name: string): string {
    if (!NAME_PATTERN.test(name)) {
      throw new HomeforgeError(
        "model name",
        `"${name}" is not a valid model name`,
        "use letters, digits, '.', '_' and '-', starting with a letter or digit",
      );
    }
    return join(this.root, name);
  }

  /** Saves a new version; returns it. The new version becomes the candidate unless told not to. */
  async save(name: string, request: SaveRequest): Promise<SavedVersion> {
    const modelDir = this.modelDir(name);
    mkdirSync(modelDir, { recursive: true });
    return this.locked(name, async () => {
      this.removeLeftovers(name);
      const aliases = this.readAliases(name);
      const number =
        Math.max(aliases.last_version, ...this.versions(name).map((v) => versionNumber(v)!), 0) + 1;
      const version = `v${number}`;
      const tmp = join(modelDir, `${TEMP_PREFIX}${process.pid}-${version}`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp);
      let meta: ModelMeta;
      try {
        await request.write(tmp);
        const kindFiles = request.files ?? this.kindsByName.get(request.kind)?.files ?? LEGACY_MODEL_FILES;
        for (const required of kindFiles) {
          if (!existsSync(join(tmp, required))) throw new Error(`the model writer wrote no ${required}`);
        }
        const files = hashDir(tmp);
        if (CHECKSUMS_FILE in files || META_FILE in files || METRICS_FILE in files || CARD_FILE in files)
          throw new Error(`the model writer wrote a file the registry writes itself (${Object.keys(files)})`);
        meta = {
          format: "homeforge-model",
          format_version: 1,
          name,
          version,
          kind: request.kind,
          created_at: new Date().toISOString(),
          signature: request.signature,
          dataset: request.dataset,
          seed: request.seed,
          params: request.params,
          backend: request.backend,
          library_versions: libraryVersions(request.backend),
          training: request.training,
          lineage_run_id: request.lineageRunId ?? null,
          ...(WEIGHTS_BIN in files ? { weights_sha256: files[WEIGHTS_BIN] } : {}),
          files,
        };
        writeJson(join(tmp, META_FILE), meta);
        writeJson(join(tmp, METRICS_FILE), request.metrics);
        writeFileSync(join(tmp, CARD_FILE), request.card(meta, request.metrics));
        writeFileSync(join(tmp, CHECKSUMS_FILE), checksumsText(hashDir(tmp)));
        renameSync(tmp, join(modelDir, version));
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
      aliases.last_version = number;
      if (request.setCandidate ?? true) aliases.candidate = version;
      this.writeAliases(name, aliases);
      return { name, version, dir: join(modelDir, version), meta };
    });
  }

  /**
   * Saves a fitted model of `kind` (a ModelKind or the name of one this registry knows): the
   * kind writes its files and describes the model for meta.json; its card becomes card.md.
   */
  async saveModel<M>(
    name: string,
    kind: ModelKind<M> | string,
    model: M,
    info: SaveModelInfo,
  ): Promise<SavedVersion> {
    const k = typeof kind === "string" ? this.kind<M>(kind) : kind;
    const described = k.describe(model);
    return this.save(name, {
      kind: k.name,
      write: async (dir) => {
        await k.save(model, dir);
        for (const [file, text] of Object.entries(info.extraFiles ?? {}))
          writeFileSync(join(dir, file), text);
      },
      signature: described.signature,
      dataset: info.dataset,
      seed: described.seed,
      params: described.params,
      backend: described.backend,
      training: { duration_ms: info.trainingDurationMs ?? null, ...described.training },
      lineageRunId: info.lineageRunId ?? null,
      metrics: info.metrics,
      files: k.files,
      card: k.card,
      setCandidate: info.setCandidate,
    });
  }

  /** Saves a fitted FailureClassifier (kind failure_classifier): saveModel for the common case. */
  saveClassifier(name: string, classifier: FailureClassifier, info: SaveModelInfo): Promise<SavedVersion> {
    return this.saveModel(name, "failure_classifier", classifier, info);
  }

  /** Model names under the root. */
  names(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root)
      .filter((n) => NAME_PATTERN.test(n) && statSync(join(this.root, n)).isDirectory())
      .sort();
  }

  /** Complete versions of a model, oldest first (hidden temp dirs are not versions). */
  versions(name: string): string[] {
    const dir = this.modelDir(name);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((v) => VERSION_PATTERN.test(v) && statSync(join(dir, v)).isDirectory())
      .sort((a, b) => versionNumber(a)! - versionNumber(b)!);
  }

  list(): ModelSummary[] {
    return this.names().map((name) => {
      const problems: string[] = [];
      let aliases = emptyAliases();
      try {
        aliases = this.readAliases(name);
      } catch (e) {
        problems.push((e as Error).message);
      }
      const versions = this.versions(name);
      for (const alias of ALIAS_NAMES) {
        const v = aliases[alias];
        if (v && !versions.includes(v)) problems.push(`${alias} points at ${v}, which does not exist`);
      }
      problems.push(...this.leftovers(name).map((l) => l.message));
      const lock = this.lockReport(name);
      if (lock.problem) problems.push(lock.problem);
      return {
        name,
        versions,
        production: aliases.production,
        candidate: aliases.candidate,
        problems,
        notes: lock.note ? [lock.note] : [],
      };
    });
  }

  aliases(name: string): Aliases {
    this.requireModel(name);
    return this.readAliases(name);
  }

  /**
   * Resolves `ref` (production, candidate, v3 or 3) to a verified version: every file exists
   * and matches its hash in checksums.json. Throws a HomeforgeError saying what is wrong.
   */
  show(name: string, ref: string = "production"): VersionInfo {
    const version = this.resolve(name, ref);
    const dir = join(this.modelDir(name), version);
    const meta = this.verify(name, version);
    const aliases = this.readAliases(name);
    return {
      name,
      version,
      dir,
      meta,
      metrics: readJson(join(dir, METRICS_FILE), `models/${name}/${version}/${METRICS_FILE}`) as Record<
        string,
        unknown
      >,
      aliases: ALIAS_NAMES.filter((a) => aliases[a] === version),
    };
  }

  /**
   * Loads a verified version by alias or version with the loader of its kind (meta.json's
   * `kind`). With `expected` (a kind or its name), a version of another kind is a one-line
   * error; an expected ModelKind the registry was not given is used as is.
   */
  async load<M = unknown>(
    name: string,
    ref: string = "production",
    expected?: ModelKind<M> | string,
  ): Promise<LoadedVersion<M>> {
    const info = this.show(name, ref);
    const where = `models/${name}/${info.version}`;
    const expectedName = typeof expected === "string" ? expected : expected?.name;
    if (expectedName !== undefined && info.meta.kind !== expectedName) {
      const label =
        typeof expected === "string" ? (this.kindsByName.get(expected)?.label ?? expected) : expected!.label;
      throw new HomeforgeError(
        where,
        `is a ${info.meta.kind} model, not a ${label}`,
        `load it as ${info.meta.kind}, or pick a version of kind ${expectedName}`,
      );
    }
    const kind =
      typeof expected === "object" && expected.name === info.meta.kind
        ? expected
        : this.kind<M>(info.meta.kind, where);
    return { ...info, kind: kind.name, model: await kind.load(info.dir, info.meta) };
  }

  /** Points production at `ref` (default: the candidate). */
  async promote(name: string, ref: string = "candidate"): Promise<Aliases> {
    return this.locked(name, () => {
      const version = this.resolve(name, ref);
      this.verify(name, version);
      const aliases = this.readAliases(name);
      aliases.production = version;
      if (aliases.production_history.at(-1) !== version) aliases.production_history.push(version);
      if (aliases.candidate === version) aliases.candidate = null;
      this.writeAliases(name, aliases);
      return aliases;
    });
  }

  /** Moves production back to the previous production version. */
  async rollback(name: string): Promise<Aliases> {
    return this.locked(name, () => {
      this.requireModel(name);
      const aliases = this.readAliases(name);
      const history = [...aliases.production_history];
      while (history.length > 0 && history.at(-1) === aliases.production) history.pop();
      const previous = history.at(-1);
      if (!previous) {
        throw new HomeforgeError(
          "rollback",
          `${name} has no earlier production version to roll back to`,
          "promote a version instead",
        );
      }
      this.verify(name, previous);
      aliases.production = previous;
      aliases.production_history = history;
      this.writeAliases(name, aliases);
      return aliases;
    });
  }

  /** Deletes a version that is not in production. */
  async delete(name: string, ref: string): Promise<void> {
    await this.locked(name, () => {
      const version = this.resolve(name, ref);
      const aliases = this.readAliases(name);
      if (aliases.production === version) {
        throw new HomeforgeError(
          "delete",
          `${name} ${version} is the production version`,
          "promote another version or roll back first",
        );
      }
      const referrers = this.referrers(name, version);
      if (referrers.length > 0) {
        throw new HomeforgeError(
          "delete",
          `${name} ${version} is served by ${referrers.join(", ")}`,
          `delete ${referrers.length === 1 ? "that version" : "those versions"} first (the production one after promoting another)`,
        );
      }
      const dir = this.modelDir(name);
      const doomed = join(dir, `${DELETED_PREFIX}${process.pid}-${version}`);
      renameSync(join(dir, version), doomed);
      aliases.production_history = aliases.production_history.filter((v) => v !== version);
      if (aliases.candidate === version) aliases.candidate = null;
      this.writeAliases(name, aliases);
      rmSync(doomed, { recursive: true, force: true });
    });
  }

  /** Replaces a version's metrics.json (atomically) with `update(current)`. */
  async updateMetrics(
    name: string,
    ref: string,
    update: (metrics: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<void> {
    await this.locked(name, () => {
      const version = this.resolve(name, ref);
      this.finishInterruptedWrites(name);
      const dir = join(this.modelDir(name), version);
      const report = this.inspectVersion(name, version);
      if (report.problems.length > 0) throw toError(report.problems[0]);
      const path = join(dir, METRICS_FILE);
      const current = existsSync(path)
        ? (readJson(path, `models/${name}/${version}/${METRICS_FILE}`) as Record<string, unknown>)
        : {};
      const text = `${JSON.stringify(update(current), null, 2)}\n`;
      if (report.legacy) {
        writeText(path, text); // an older version has no checksums.json to keep in step
        return;
      }
      // Both files are written to temp names, then checksums.json is renamed first: a crash
      // between the two renames leaves metrics.json.tmp-<pid> holding exactly the hash
      // checksums.json records, which verify recognises and the next locked write finishes.
      const checksums = { ...report.checksums!, [METRICS_FILE]: sha256Text(text) };
      const metricsTmp = `${path}.tmp-${process.pid}`;
      const checksumsTmp = `${join(dir, CHECKSUMS_FILE)}.tmp-${process.pid}`;
      writeFileSync(metricsTmp, text);
      writeFileSync(checksumsTmp, checksumsText(checksums));
      renameSync(checksumsTmp, join(dir, CHECKSUMS_FILE));
      renameSync(metricsTmp, path);
    });
  }

  /** Every problem with a model: damaged versions, dangling aliases, leftovers of killed saves. */
  check(name: string): string[] {
    return this.inspect(name).problems;
  }

  /** check() plus notes that are not problems (a save in progress). One line each. */
  inspect(name: string): { problems: string[]; notes: string[] } {
    this.requireModel(name);
    const problems: string[] = [];
    const notes: string[] = [];
    try {
      const { aliases, legacy } = this.readAliasesFile(name);
      const versions = this.versions(name);
      for (const alias of ALIAS_NAMES) {
        const v = aliases[alias];
        if (v && !versions.includes(v)) problems.push(problemText(this.missingAliasTarget(name, alias, v)));
      }
      if (legacy) {
        problems.push(
          problemText({
            field: `models/${name}/${ALIASES_FILE}`,
            problem: "has no sha256 (written by an older homeforge), so damage to it cannot be detected",
            fix: `the next promote, rollback or save rewrites it with one (e.g. homeforge models promote ${name} ${aliases.production ?? "<version>"})`,
          }),
        );
      }
    } catch (e) {
      problems.push((e as Error).message);
    }
    for (const version of this.versions(name)) {
      const report = this.inspectVersion(name, version);
      problems.push(...report.problems.map(problemText));
      if (report.legacy) problems.push(problemText(legacyProblem(name, version)));
      if (report.problems.length === 0)
        problems.push(...this.referenceProblems(name, version, report.meta!).map(problemText));
    }
    problems.push(...this.leftovers(name).map((l) => l.message));
    const lock = this.lockReport(name);
    if (lock.problem) problems.push(lock.problem);
    if (lock.note) notes.push(lock.note);
    return { problems, notes };
  }

  /**
   * Checks every file of a version against its checksums.json; returns the meta. A version
   * saved by an older homeforge (no checksums.json) is checked against the model-file hashes
   * in its meta.json and loads with a warning; check() reports it as unverifiable.
   */
  verify(name: string, version: string): ModelMeta {
    const report = this.inspectVersion(name, version);
    if (report.problems.length > 0) throw toError(report.problems[0]);
    const broken = this.referenceProblems(name, version, report.meta!)[0];
    if (broken) throw toError(broken);
    if (report.legacy) this.options.onWarning?.(problemText(legacyProblem(name, version)));
    return report.meta!;
  }

  /**
   * Before a training run writes anything: the production and candidate versions of each of
   * `names` it will compare against must verify, and their aliases.json must be sound.
   * Throws one HomeforgeError naming the model, version, file and fix. Models that do not
   * exist yet are fine (the run creates them).
   */
  verifyTrainingTargets(names: string[]): void {
    for (const name of names) {
      if (!existsSync(this.modelDir(name))) continue;
      const fixAliases = `nothing was trained or registered; see every problem with: homeforge models check ${name}`;
      let aliases: Aliases;
      try {
        aliases = this.readAliases(name);
      } catch (e) {
        if (!(e instanceof HomeforgeError)) throw e;
        throw new HomeforgeError(e.field, problemOf(e), `${e.fix}; ${fixAliases}`);
      }
      const versions = this.versions(name);
      for (const alias of ALIAS_NAMES) {
        const version = aliases[alias];
        if (!version) continue;
        if (!versions.includes(version)) {
          const p = this.missingAliasTarget(name, alias, version);
          throw new HomeforgeError(p.field, `${name}'s ${p.problem}`, `${p.fix}; ${fixAliases}`);
        }
        const report = this.inspectVersion(name, version);
        const first = report.problems[0] ?? this.referenceProblems(name, version, report.meta!)[0];
        if (!first) continue;
        const fix =
          alias === "production"
            ? `roll back (homeforge models rollback ${name}) or promote a sound version (homeforge models promote ${name} <version>)`
            : `delete it (homeforge models delete ${name} ${version})`;
        throw new HomeforgeError(
          first.field,
          `the ${alias} version of ${name} (${version}) is damaged: ${first.problem}`,
          `nothing was trained or registered; see every problem with: homeforge models check ${name}, then ${fix}`,
        );
      }
    }
  }

  /**
   * The versions a verified version needs (its kind's `references`) that are missing or do
   * not verify, one problem each, naming what each is for, the model and the version.
   */
  private referenceProblems(name: string, version: string, meta: ModelMeta): RegistryProblem[] {
    const kind = this.kindsByName.get(meta.kind);
    if (!kind?.references) return [];
    const { dir, where } = this.versionPlace(name, version);
    const field = `${where}/${kind.files[0] ?? META_FILE}`;
    const problems: RegistryProblem[] = [];
    for (const ref of kind.references(dir, meta)) {
      const fix = `restore ${ref.name} ${ref.version}, or promote a ${kind.label} version whose models verify (homeforge models check ${ref.name})`;
      const exists =
        NAME_PATTERN.test(ref.name) &&
        existsSync(this.modelDir(ref.name)) &&
        this.versions(ref.name).includes(ref.version);
      if (!exists) {
        problems.push({
          field,
          problem: `${ref.role} is served by ${ref.name} ${ref.version}, which does not exist`,
          fix,
        });
        continue;
      }
      const first = this.inspectVersion(ref.name, ref.version).problems[0];
      if (first)
        problems.push({
          field,
          problem: `${ref.role} is served by ${ref.name} ${ref.version}, which does not verify (${first.field}: ${first.problem})`,
          fix,
        });
    }
    return problems;
  }

  /** Versions (`name version`) whose kind's references name `target` `version`. */
  private referrers(target: string, version: string): string[] {
    const out: string[] = [];
    for (const name of this.names()) {
      for (const v of this.versions(name)) {
        const dir = join(this.modelDir(name), v);
        try {
          const meta = JSON.parse(readFileSync(join(dir, META_FILE), "utf8")) as ModelMeta;
          const refs = this.kindsByName.get(meta.kind)?.references?.(dir, meta) ?? [];
          if (refs.some((r) => r.name === target && r.version === version)) out.push(`${name} ${v}`);
        } catch {
          // a damaged version names nothing we can read; check reports it
        }
      }
    }
    return out;
  }

  /** A version's directory, its name in messages, and a problem maker naming one of its files. */
  private versionPlace(name: string, version: string) {
    const dir = join(this.modelDir(name), version);
    const where = `models/${name}/${version}`;
    const fix = `restore ${where} from a backup, or delete it (homeforge models delete ${name} ${version}); other versions are untouched`;
    const at = (file: string, problem: string): RegistryProblem => ({
      field: `${where}/${file}`,
      problem,
      fix,
    });
    return { dir, where, at };
  }

  /** Every problem with one version's files (empty: it verifies). */
  private inspectVersion(
    name: string,
    version: string,
  ): { problems: RegistryProblem[]; meta?: ModelMeta; checksums?: Record<string, string>; legacy: boolean } {
    const { dir, where, at } = this.versionPlace(name, version);
    if (!existsSync(dir)) {
      return {
        problems: [
          { field: where, problem: "does not exist", fix: `list versions with: homeforge models list` },
        ],
        legacy: false,
      };
    }
    const entries = readdirSync(dir).filter((f) => !TEMP_FILE_PATTERN.test(f));
    if (!entries.includes(CHECKSUMS_FILE)) return this.inspectLegacyVersion(name, version);
    const problems: RegistryProblem[] = [];
    const raw = readFileSync(join(dir, CHECKSUMS_FILE), "utf8");
    const checksums = parseChecksums(raw);
    if (typeof checksums === "string") return { problems: [at(CHECKSUMS_FILE, checksums)], legacy: false };
    for (const required of REGISTRY_FILES) {
      if (!(required in checksums)) problems.push(at(CHECKSUMS_FILE, `lists no ${required}`));
    }
    for (const [file, expected] of Object.entries(checksums)) {
      const path = join(dir, file);
      if (!existsSync(path) || !statSync(path).isFile()) {
        problems.push(at(file, `is missing (${CHECKSUMS_FILE} lists it)`));
        continue;
      }
      const actual = sha256File(path);
      if (actual === expected) continue;
      const pending = interruptedWrite(dir, file, expected);
      problems.push(
        pending
          ? {
              field: `${where}/${file}`,
              problem: `an update by process ${pending.pid} was interrupted before it finished (${pending.entry} holds the recorded contents)`,
              fix: `the next save or metrics update of ${name} finishes it, or rename ${join(dir, pending.entry)} to ${file}`,
            }
          : at(
              file,
              `does not match its sha256 in ${CHECKSUMS_FILE} (recorded ${expected.slice(0, 12)}…, found ${actual.slice(0, 12)}…)`,
            ),
      );
    }
    for (const entry of entries) {
      if (entry === CHECKSUMS_FILE || entry in checksums) continue;
      problems.push({
        field: `${where}/${entry}`,
        problem: `is not listed in ${CHECKSUMS_FILE} (added after the save; versions are immutable)`,
        fix: `remove it, or restore ${where} from a backup`,
      });
    }
    let meta: ModelMeta | undefined;
    if (!problems.some((p) => p.field.endsWith(`/${META_FILE}`))) {
      try {
        meta = JSON.parse(readFileSync(join(dir, META_FILE), "utf8"));
      } catch {
        problems.push(at(META_FILE, "is not valid JSON"));
      }
      if (meta && (meta.name !== name || meta.version !== version)) {
        problems.push(at(META_FILE, `describes ${meta.name} ${meta.version}, not ${name} ${version}`));
      }
    }
    if (meta && problems.length === 0) problems.push(...metaFileProblems(meta, checksums, at));
    // what the version's kind needs besides the common files, once every file verifies
    const kind = meta && problems.length === 0 ? this.kindsByName.get(meta.kind) : undefined;
    if (kind && meta) {
      for (const file of kind.files) {
        if (!(file in checksums))
          problems.push(at(CHECKSUMS_FILE, `lists no ${file} (a ${kind.label} needs it)`));
      }
      if (problems.length === 0) {
        for (const p of kind.check?.(dir, meta) ?? []) problems.push(at(p.file, p.problem));
      }
    }
    return { problems, meta, checksums, legacy: false };
  }

  /** A version saved before checksums.json: only the model files hashed in meta.json can be checked. */
  private inspectLegacyVersion(
    name: string,
    version: string,
  ): { problems: RegistryProblem[]; meta?: ModelMeta; legacy: boolean } {
    const { dir, at } = this.versionPlace(name, version);
    let meta: ModelMeta;
    try {
      meta = JSON.parse(readFileSync(join(dir, META_FILE), "utf8"));
    } catch (e) {
      const why =
        (e as NodeJS.ErrnoException).code === "ENOENT"
          ? `is missing (and so is ${CHECKSUMS_FILE})`
          : "is not valid JSON";
      return { problems: [at(META_FILE, why)], legacy: true };
    }
    const modelFiles = this.kindsByName.get(meta?.kind)?.files ?? LEGACY_MODEL_FILES;
    if (
      typeof meta?.files !== "object" ||
      meta.files === null ||
      modelFiles.some((f) => !meta.files[f]) ||
      Object.keys(meta.files).length === 0
    ) {
      return { problems: [at(META_FILE, "lists no file hashes")], legacy: true };
    }
    if (
      (WEIGHTS_BIN in meta.files || meta.weights_sha256 !== undefined) &&
      meta.weights_sha256 !== meta.files[WEIGHTS_BIN]
    ) {
      return { problems: [at(META_FILE, "records two different weights hashes")], legacy: true };
    }
    const problems: RegistryProblem[] = [];
    for (const [file, expected] of Object.entries(meta.files)) {
      const path = join(dir, file);
      if (!existsSync(path)) problems.push(at(file, `is missing (${META_FILE} lists it)`));
      else if (sha256File(path) !== expected)
        problems.push(at(file, `does not match its sha256 in ${META_FILE}`));
    }
    return { problems, meta, legacy: true };
  }

  /** `ref` → an existing version name. */
  resolve(name: string, ref: string): string {
    this.requireModel(name);
    const versions = this.versions(name);
    if ((ALIAS_NAMES as readonly string[]).includes(ref)) {
      const aliases = this.readAliases(name);
      const version = aliases[ref as AliasName];
      if (!version) {
        throw new HomeforgeError(
          `models/${name}`,
          `has no ${ref} version`,
          ref === "production"
            ? `promote one with: homeforge models promote ${name} <version>`
            : "train and save a new version",
        );
      }
      if (!versions.includes(version))
        throw toError(this.missingAliasTarget(name, ref as AliasName, version));
      return version;
    }
    const version = /^[0-9]+$/.test(ref) ? `v${ref}` : ref;
    if (!versions.includes(version)) {
      throw new HomeforgeError(
        "version",
        `${name} has no version ${ref}`,
        `use production, candidate or one of: ${versions.join(", ") || "(none saved)"}`,
      );
    }
    return version;
  }

  private requireModel(name: string): void {
    const dir = this.modelDir(name);
    if (!existsSync(dir)) {
      const known = this.names();
      throw new HomeforgeError(
        "model",
        `no model named "${name}" in ${this.root}`,
        known.length > 0
          ? `known models: ${known.join(", ")}`
          : "train one first, e.g. npm run train:home-types",
      );
    }
  }

  private missingAliasTarget(name: string, alias: AliasName, version: string): RegistryProblem {
    const versions = this.versions(name);
    return {
      field: `models/${name}/${ALIASES_FILE}`,
      problem: `${alias} points at ${version}, which does not exist (versions: ${versions.join(", ") || "none"})`,
      fix: `promote an existing version: homeforge models promote ${name} <version>`,
    };
  }

  private readAliases(name: string): Aliases {
    return this.readAliasesFile(name).aliases;
  }

  /**
   * aliases.json, checked: valid JSON, the expected fields and types, and its own sha256
   * (absent only in files written by an older homeforge: `legacy`). Throws a one-line error.
   */
  private readAliasesFile(name: string): { aliases: Aliases; legacy: boolean } {
    const path = join(this.modelDir(name), ALIASES_FILE);
    if (!existsSync(path)) return { aliases: emptyAliases(), legacy: false };
    const label = `models/${name}/${ALIASES_FILE}`;
    const bad = (problem: string) =>
      new HomeforgeError(
        label,
        `is damaged: ${problem}`,
        `restore it from a backup, or delete it and promote a version again (homeforge models promote ${name} <version>); the versions are untouched`,
      );
    const text = readFileSync(path, "utf8");
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(text);
    } catch {
      throw bad("it is not valid JSON");
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw bad("it is not a JSON object");
    const known = ["production", "candidate", "production_history", "last_version", "sha256"];
    const unknown = Object.keys(raw).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw bad(`unknown field ${unknown.map((k) => JSON.stringify(k)).join(", ")}`);
    const isVersion = (v: unknown) => typeof v === "string" && VERSION_PATTERN.test(v);
    for (const alias of ALIAS_NAMES) {
      const v = raw[alias];
      if (v !== undefined && v !== null && !isVersion(v))
        throw bad(`${alias} must be a version name (v1, v2 …) or null, not ${JSON.stringify(v)}`);
    }
    const history = raw.production_history ?? [];
    if (!Array.isArray(history) || !history.every(isVersion))
      throw bad("production_history must be a list of version names");
    const last = raw.last_version ?? 0;
    if (!Number.isInteger(last) || (last as number) < 0)
      throw bad(`last_version must be a whole number, not ${JSON.stringify(last)}`);
    const aliases: Aliases = {
      production: (raw.production as string | undefined) ?? null,
      candidate: (raw.candidate as string | undefined) ?? null,
      production_history: history as string[],
      last_version: last as number,
    };
    if (raw.sha256 === undefined) return { aliases, legacy: true };
    if (typeof raw.sha256 !== "string" || !SHA256_PATTERN.test(raw.sha256))
      throw bad("its sha256 field is not a sha256");
    if (aliasesText(aliases) !== text)
      throw bad("its contents do not match its sha256 (changed outside homeforge)");
    return { aliases, legacy: false };
  }

  private writeAliases(name: string, aliases: Aliases): void {
    writeText(join(this.modelDir(name), ALIASES_FILE), aliasesText(aliases));
  }

  private locked<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const dir = this.modelDir(name);
    mkdirSync(dir, { recursive: true });
    return withLock(join(dir, LOCK_FILE), fn, {
      timeoutMs: this.options.lockTimeoutMs,
      onWarning: this.options.onWarning,
    });
  }

  /** The model's lock: a stale one is a problem, a live one a note. One line each. */
  private lockReport(name: string): { problem?: string; note?: string } {
    const path = join(this.modelDir(name), LOCK_FILE);
    const label = `models/${name}/${LOCK_FILE}`;
    const lock = inspectLock(path);
    if (lock.state === "free") return {};
    if (lock.state === "stale") {
      const what =
        lock.pid !== null
          ? `stale lock from pid ${lock.pid} (process gone)`
          : "stale lock naming no owner (unreadable, older than 10 s)";
      return { problem: `${label}: ${what}; the next save removes it, or delete ${path}` };
    }
    if (lock.pid === null) return { note: `${label}: a save is starting (lock just created)` };
    const elsewhere = lock.host && lock.host !== hostname() ? ` on host ${lock.host}` : "";
    return { note: `${label}: a save is in progress (pid ${lock.pid}${elsewhere})` };
  }

  /** Hidden dirs and temp files left by saves, deletes or metrics updates whose process is gone. */
  private leftovers(name: string): { path: string; message: string }[] {
    const dir = this.modelDir(name);
    if (!existsSync(dir)) return [];
    const out: { path: string; message: string }[] = [];
    for (const entry of readdirSync(dir)) {
      const kind = entry.startsWith(TEMP_PREFIX)
        ? "save"
        : entry.startsWith(DELETED_PREFIX)
          ? "delete"
          : null;
      if (!kind) continue;
      const pid = Number(/^\.[a-z]+-(\d+)-/.exec(entry)?.[1]);
      if (Number.isInteger(pid) && pidAlive(pid)) continue;
      out.push({
        path: join(dir, entry),
        message: `incomplete ${kind} left at models/${name}/${entry} (process ${pid} is not running); it is not a version and the next save removes it`,
      });
    }
    const tempFiles = (sub: string) =>
      readdirSync(join(dir, sub))
        .map((entry) => ({ entry, m: TEMP_FILE_PATTERN.exec(entry) }))
        .filter(({ m }) => m && !pidAlive(Number(m[2])));
    for (const { entry, m } of tempFiles(".")) {
      out.push({
        path: join(dir, entry),
        message: `incomplete write left at models/${name}/${entry} (process ${m![2]} is not running); the next save removes it, or delete ${join(dir, entry)}`,
      });
    }
    for (const version of this.versions(name)) {
      for (const { entry, m } of tempFiles(version)) {
        const path = join(dir, version, entry);
        if (interruptedWrite(join(dir, version), m![1], this.recordedHash(name, version, m![1]))) continue; // reported by inspectVersion
        out.push({
          path,
          message: `incomplete write left at models/${name}/${version}/${entry} (process ${m![2]} is not running); the next save removes it, or delete ${path}`,
        });
      }
    }
    return out;
  }

  /** The sha256 checksums.json records for `file` (null: none or unreadable). */
  private recordedHash(name: string, version: string, file: string): string | null {
    try {
      const checksums = parseChecksums(
        readFileSync(join(this.modelDir(name), version, CHECKSUMS_FILE), "utf8"),
      );
      return typeof checksums === "string" ? null : (checksums[file] ?? null);
    } catch {
      return null;
    }
  }

  /** Completes metrics updates a killed process left between its two renames. Under the lock. */
  private finishInterruptedWrites(name: string): void {
    const dir = this.modelDir(name);
    for (const version of this.versions(name)) {
      const vdir = join(dir, version);
      for (const entry of readdirSync(vdir)) {
        const m = TEMP_FILE_PATTERN.exec(entry);
        if (!m || pidAlive(Number(m[2]))) continue;
        const recorded = this.recordedHash(name, version, m[1]);
        if (recorded && interruptedWrite(vdir, m[1], recorded)) {
          renameSync(join(vdir, entry), join(vdir, m[1]));
          this.options.onWarning?.(`finished an interrupted update of models/${name}/${version}/${m[1]}`);
        }
      }
    }
  }

  private removeLeftovers(name: string): void {
    this.finishInterruptedWrites(name);
    for (const leftover of this.leftovers(name)) {
      rmSync(leftover.path, { recursive: true, force: true });
      this.options.onWarning?.(
        `removed ${leftover.message.split(" (")[0].replace("incomplete", "an incomplete")}`,
      );
    }
  }
}

function writeJson(path: string, value: unknown): void {
  writeText(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Writes `text` to `<path>.tmp-<pid>`, then renames it over `path`. */
function writeText(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** sha256 of every file in `dir` except checksums.json and our temp files. */
function hashDir(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of readdirSync(dir).sort()) {
    if (file === CHECKSUMS_FILE || TEMP_FILE_PATTERN.test(file)) continue;
    files[file] = sha256File(join(dir, file));
  }
  return files;
}

/** The files map of a checksums.json, or what is wrong with it. */
function parseChecksums(raw: string): Record<string, string> | string {
  let parsed: Partial<Checksums>;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return "is damaged: it is not valid JSON";
  }
  if (
    parsed === null ||
    typeof parsed !== "object" ||
    parsed.format !== "homeforge-checksums" ||
    parsed.format_version !== 1 ||
    parsed.algorithm !== "sha256" ||
    typeof parsed.files !== "object" ||
    parsed.files === null ||
    typeof parsed.self_sha256 !== "string"
  ) {
    return "is damaged: it is not a homeforge checksums file (format, format_version, algorithm, files, self_sha256)";
  }
  for (const [file, hash] of Object.entries(parsed.files)) {
    if (!/^[^/\\]+$/.test(file) || file === "." || file === ".." || !SHA256_PATTERN.test(String(hash)))
      return `is damaged: entry ${JSON.stringify(file)} is not a file name with a sha256`;
  }
  if (checksumsText(parsed.files) !== raw)
    return "is damaged: its contents do not match its self_sha256 (changed outside homeforge)";
  return parsed.files;
}

/** A temp file `<file>.tmp-<pid>` of a dead process whose contents hash to `recorded`. */
function interruptedWrite(
  dir: string,
  file: string,
  recorded: string | null,
): { pid: number; entry: string } | null {
  if (!recorded) return null;
  for (const entry of readdirSync(dir)) {
    const m = TEMP_FILE_PATTERN.exec(entry);
    if (!m || m[1] !== file || pidAlive(Number(m[2]))) continue;
    if (sha256File(join(dir, entry)) === recorded) return { pid: Number(m[2]), entry };
  }
  return null;
}

/**
 * meta.json's own record of the model files (`files`, and `weights_sha256` for a kind with
 * weights.bin) must agree with checksums.json: a meta.json rewritten with its checksum
 * entry but not its model-file hashes is caught.
 */
function metaFileProblems(
  meta: ModelMeta,
  checksums: Record<string, string>,
  at: (file: string, problem: string) => RegistryProblem,
): RegistryProblem[] {
  if (typeof meta.files !== "object" || meta.files === null) return [at(META_FILE, "lists no file hashes")];
  for (const [file, hash] of Object.entries(meta.files)) {
    if (checksums[file] !== hash)
      return [at(META_FILE, `records a sha256 of ${file} that ${CHECKSUMS_FILE} does not`)];
  }
  const weights = meta.files[WEIGHTS_BIN];
  if ((weights !== undefined || meta.weights_sha256 !== undefined) && meta.weights_sha256 !== weights)
    return [at(META_FILE, "records two different weights hashes")];
  return [];
}

function legacyProblem(name: string, version: string): RegistryProblem {
  return {
    field: `models/${name}/${version}`,
    problem: `unverifiable, saved by an older homeforge: it has no ${CHECKSUMS_FILE}, so ${META_FILE}, ${METRICS_FILE} and ${CARD_FILE} are covered by no hash`,
    fix: `train and save a new version, then delete this one (homeforge models delete ${name} ${version})`,
  };
}

/** The `problem` part of a HomeforgeError's `field: problem; fix` message. */
function problemOf(e: HomeforgeError): string {
  return e.message.slice(e.field.length + 2, e.message.length - e.fix.length - 2);
}

function readJson(path: string, label: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "is missing" : "is not valid JSON";
    throw new HomeforgeError(label, why, `restore ${label} or fix it by hand`);
  }
}
