import type { BinaryMetrics } from "../evaluation/metrics.js";
import type { ModelMeta } from "../registry/types.js";

const fmt = (v: unknown): string => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "n/a");

function metricsLine(label: string, m: Partial<BinaryMetrics> | undefined): string {
  if (!m) return "";
  return `| ${label} | ${m.samples ?? "n/a"} | ${m.positives ?? "n/a"} | ${fmt(m.precision)} | ${fmt(m.recall)} | ${fmt(m.f1)} | ${fmt(m.roc_auc)} | ${fmt(m.pr_auc)} |\n`;
}

/** Which split each decision read, and the routing decision of a per-type model. */
function decisionsLines(metrics: Record<string, unknown>): string {
  const decisions = metrics.decisions as Record<string, string> | undefined;
  const routing = metrics.routing as { served?: string; reason?: string } | undefined;
  let out = "";
  if (decisions)
    out += `- decisions and the split each read: ${Object.entries(decisions)
      .map(([k, v]) => `${k.replaceAll("_", " ")} on ${v}`)
      .join(", ")}; test homes are only reported\n`;
  if (routing?.served)
    out += `- routing (validation homes): ${routing.served === "per_type" ? "this model is served for its type" : "the global model is served for this type"} (${routing.reason ?? ""})\n`;
  return out;
}

/** How the network started: fine-tuned from another model, or trained from scratch. */
function warmStartLine(meta: ModelMeta): string {
  const warm = (meta.training as { warm_start?: { from: string; learning_rate: number } | null }).warm_start;
  return warm
    ? `- fine-tuned from the ${warm.from} model's network and standardiser at learning rate ${warm.learning_rate}, early-stopped on this type's validation homes`
    : "- trained from scratch";
}

/** card.md for a failure classifier: intended use, data, metrics next to baselines, limits. */
export function failureModelCard(meta: ModelMeta, metrics: Record<string, unknown>): string {
  const test = metrics.test as Partial<BinaryMetrics> | undefined;
  const baselines = (metrics.baselines ?? {}) as Record<string, Partial<BinaryMetrics>>;
  const scope =
    typeof metrics.home_type === "string" ? `homes of type ${metrics.home_type}` : "all home types";
  return `# ${meta.name} ${meta.version}

Failure classifier: the probability that a device fails within the next 7 days
(\`fails_within_7d\`), from one day of device-health telemetry and the trend over the
previous ${String((meta.params as { window?: number }).window ?? 7)} days.

## Intended use
Rank and flag devices in ${scope} for a proactive check or battery swap. It is trained on
seeded synthetic telemetry: treat it as a starting point, and re-validate on real homes
before acting on its output.

## Data
- dataset: ${meta.dataset.id ?? "in-memory table"} (sha256 ${meta.dataset.hash?.slice(0, 16) ?? "n/a"}…)
- split by home (no home in two splits), stratified by home type, seed ${meta.seed}; the
  homes of each split are in split.json
- inputs: ${meta.signature.inputs.features.length} features (today's telemetry, rolling
  windows, health-type one-hot${meta.signature.inputs.features.includes("floors") ? ", the home's context" : ""}), standardised with training-split statistics (preprocess.json)
${warmStartLine(meta)}
- decision threshold ${fmt(meta.signature.threshold)}, chosen for best F1 on the validation split
${decisionsLines(metrics)}
## Metrics (held-out test homes)
| model | samples | positives | precision | recall | F1 | ROC-AUC | PR-AUC |
|---|---|---|---|---|---|---|---|
${metricsLine("this model", test)}${Object.entries(baselines)
  .map(([label, m]) => metricsLine(label, m))
  .join("")}
## Limits
- Synthetic data: failure scenarios and their telemetry signatures come from homeforge's
  generator; real devices fail in ways it does not model.
- Sudden failures give little warning in the telemetry; expect them to be missed.
- A device needs a few days of history before the rolling features mean much.
- Trained on the ${meta.backend} backend; other backends give the same decisions up to float rounding.
`;
}
