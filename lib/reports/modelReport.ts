/**
 * The model report: one self-contained HTML page about one registry version (NAME[@REF]),
 * drawn from what the version holds (meta.json, metrics.json, evaluation_curves.json, the
 * router's test_report, the served classifiers' training summaries) and the last retraining
 * check that measured it. Reads JSON only: no TensorFlow.js, no model is loaded.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { checkOutFile } from "../core/atomicFile.js";
import { HomeforgeError } from "../core/errors.js";
import { defaultModelsRoot } from "../core/paths.js";
import { packageVersion } from "../core/version.js";
import { FAILURE_CLASSIFIER_KIND } from "../models/failure/failureKind.js";
import { FAILURE_ROUTER_KIND } from "../models/failure/routerKind.js";
import { requireKnownModel } from "../models/lifecycle/reportSupport.js";
import { parseModelRef } from "../models/registry/modelRef.js";
import { ModelRegistry } from "../models/registry/registry.js";
import type { VersionInfo } from "../models/registry/types.js";
import { SYNERGY_GNN_KIND } from "../models/synergy/synergyGnnKind.js";
import type { ReportPage, ReportSection } from "./htmlPage.js";
import { classifierSections } from "./modelSections/classifierSections.js";
import { driftSection } from "./modelSections/driftSection.js";
import { routerSections } from "./modelSections/routerSections.js";
import { synergySections } from "./modelSections/synergySections.js";
import { type ReportResult, writeReportPage } from "./reportFile.js";

export interface ModelReportOptions {
  /** Registry root (default: $HOMEFORGE_MODELS_DIR or ./models). */
  modelsDir?: string;
  /** How errors name the model reference (default "--model"). */
  field?: string;
  log?: (line: string) => void;
}

export interface WriteModelReportOptions extends ModelReportOptions {
  /** The HTML file (default: <models>/reports/NAME@VERSION.html). */
  out?: string;
}

const KINDS = [FAILURE_ROUTER_KIND.name, FAILURE_CLASSIFIER_KIND.name, SYNERGY_GNN_KIND.name];

/** The report page of `ref` (NAME[@REF], REF production by default), built from a verified version. */
export async function buildModelReport(ref: string, options: ModelReportOptions = {}): Promise<ReportPage> {
  return (await resolveAndBuild(ref, options)).page;
}

async function resolveAndBuild(
  ref: string,
  options: ModelReportOptions,
): Promise<{ page: ReportPage; info: VersionInfo; modelsDir: string }> {
  const field = options.field ?? "--model";
  const log = options.log ?? (() => {});
  const modelsDir = resolve(options.modelsDir ?? defaultModelsRoot());
  const { name, ref: versionRef } = parseModelRef(ref, field);
  const registry = new ModelRegistry(modelsDir, { onWarning: (m) => log(`registry: ${m}`) });
  requireKnownModel(registry, name, field);
  const info = registry.show(name, versionRef);
  const kind = info.meta.kind;
  if (!KINDS.includes(kind)) {
    throw new HomeforgeError(
      field,
      `${name} ${info.version} is a ${kind} model, which the report does not describe`,
      `pass a model of kind ${KINDS.join(", ")}`,
    );
  }
  log(`report: ${name} ${info.version} (${kind})`);
  const sections: ReportSection[] =
    kind === FAILURE_ROUTER_KIND.name
      ? await routerSections(info, registry)
      : kind === SYNERGY_GNN_KIND.name
        ? await synergySections(info)
        : await classifierSections(info);
  sections.push(await driftSection(modelsDir, info));
  const page: ReportPage = {
    title: `${name} ${info.version}`,
    subtitle: `${registry.kind(kind).label} · homeforge model report`,
    facts: versionFacts(info),
    sections,
    footer: `homeforge ${packageVersion()} · models/${name}/${info.version} (every file verified against checksums.json) · test homes are reported only; every decision read validation homes`,
  };
  return { page, info, modelsDir };
}

/** Key facts at the top, all from the version (the trained date is meta.json's, not now). */
function versionFacts(info: VersionInfo): [string, string | number][] {
  const { meta } = info;
  const threshold =
    meta.kind === FAILURE_ROUTER_KIND.name
      ? "per route: each served model's own"
      : typeof meta.signature?.threshold === "number"
        ? meta.signature.threshold.toFixed(4)
        : "none recorded";
  const dataset = meta.dataset?.id ?? "not recorded";
  const rows = meta.dataset?.rows;
  const duration = meta.training?.duration_ms;
  return [
    ["model", info.name],
    ["version", info.version],
    ["aliases", info.aliases.length > 0 ? info.aliases.join(", ") : "none"],
    ["kind", meta.kind],
    ["dataset", typeof rows === "number" ? `${dataset} (${rows} rows)` : dataset],
    ["trained", meta.created_at ?? "not recorded"],
    ["threshold", threshold],
    ["backend", meta.backend ?? "not recorded"],
    ["seed", meta.seed ?? "not recorded"],
    ...(typeof duration === "number"
      ? [["training time", `${(duration / 1000).toFixed(1)} s`] as [string, string]]
      : []),
    ["lineage run", meta.lineage_run_id ?? "none"],
  ];
}

/** Where the report goes by default: beside the registry, not in the version (whose files checksums.json fixes). */
export function defaultModelReportPath(modelsDir: string, name: string, version: string): string {
  return join(resolve(modelsDir), "reports", `${name}@${version}.html`);
}

/** Builds the report and writes it atomically (temp file + rename); returns where and what it drew. */
export async function writeModelReport(
  ref: string,
  options: WriteModelReportOptions = {},
): Promise<ReportResult> {
  // a given --out is checked before any work; the default directory is made when absent
  const out = options.out === undefined ? undefined : checkOutFile("--out", options.out);
  const { page, info, modelsDir } = await resolveAndBuild(ref, options);
  let path = out;
  if (path === undefined) {
    path = defaultModelReportPath(modelsDir, info.name, info.version);
    mkdirSync(dirname(path), { recursive: true });
  }
  const result = await writeReportPage(out ? "--out" : "report", path, page);
  options.log?.(`report: wrote ${result.path}`);
  return result;
}
