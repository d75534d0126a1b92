import type { ModelMeta } from "../registry/types.js";
import type { SynergyGnnParams, SynergyTrainingSummary } from "./synergyGnn.js";

const fmt = (v: unknown): string => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "n/a");

/** The variant a version is, as the card says it. */
function variantLine(p: Partial<SynergyGnnParams>): string {
  if (p.nodeInputs === false) return "the non-graph baseline: an MLP on the pair features alone";
  if (p.messagePassing === false)
    return `the ablation without message passing: the same per-node layers (${p.layers}), no adjacency`;
  const layers = p.layers === 1 ? "1 message-passing layer" : `${p.layers} message-passing layers`;
  return `${layers} (${p.aggregation === "mean" ? "GraphSAGE mean" : "GCN"} aggregation) over the edge types`;
}

/** Rows of metrics.json's numeric entries, one table row per named group (test, validation, baselines …). */
function metricsRows(metrics: Record<string, unknown>): string {
  const rows: string[] = [];
  for (const [group, value] of Object.entries(metrics)) {
    if (!value || typeof value !== "object" || Array.isArray(value)) continue;
    const numbers = Object.entries(value as Record<string, unknown>).filter(([, v]) => typeof v === "number");
    if (numbers.length > 0)
      rows.push(`| ${group} | ${numbers.map(([k, v]) => `${k} ${fmt(v)}`).join(", ")} |`);
  }
  return rows.length > 0 ? `| group | values |\n|---|---|\n${rows.join("\n")}\n` : "none recorded\n";
}

/** card.md for a synergy GNN version: what it scores, how it was trained and selected, its numbers, limits. */
export function synergyGnnCard(meta: ModelMeta, metrics: Record<string, unknown>): string {
  const p = meta.params as Partial<SynergyGnnParams>;
  const t = meta.training as Partial<SynergyTrainingSummary> & { edge_types?: string[] };
  const features = meta.signature.inputs.features;
  const node = features.filter((f) => f.startsWith("node.")).length;
  const params = Object.entries(p)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(", ");
  return `# ${meta.name} ${meta.version}

Synergy GNN: for each candidate trigger→action pair of a home's devices, the probability
that it is a real link (an automation), from a graph of the home's devices and the pair's
event statistics.

## Intended use
Rank a home's candidate device pairs to suggest automations. Trained on seeded synthetic
homes: re-validate on real homes before acting on its output.

## Model
- ${variantLine(p)}; decoder: an MLP on [trigger, action, trigger ⊙ action embeddings, pair features]
- inputs: ${node} node features, ${features.length - node} pair features (standardised with
  training-graph statistics), edge types ${(t.edge_types ?? []).join(", ") || "n/a"}
- params: ${params}
- dataset: ${meta.dataset.id ?? "in-memory graphs"} (sha256 ${meta.dataset.hash?.slice(0, 16) ?? "n/a"}…)

## Training and selection (validation homes only)
- ${t.train_graphs ?? "n/a"} training graphs (${t.train_pairs ?? "n/a"} pairs, ${t.train_positives ?? "n/a"} linked);
  ${t.validation_graphs ?? "n/a"} validation graphs (${t.validation_pairs ?? "n/a"} pairs, ${t.validation_positives ?? "n/a"} linked)
- best epoch ${t.best_epoch ?? "n/a"} of ${t.epochs_run ?? "n/a"} by ${String(t.selection ?? "n/a").replaceAll("_", " ")}
  (${fmt(t.best_validation_ap)})${t.stopped_early ? ", stopped early" : ""}
- decision threshold ${fmt(meta.signature.threshold)} (best F1 on the pooled validation pairs)

Test homes decide nothing.

## Metrics
${metricsRows(metrics)}
## Limits
- Synthetic homes: the links, the confounders (routines, walk-throughs) and the event
  statistics come from homeforge's generator.
- Little history means few onsets: pair statistics are noisy at 1–3 days.
- Trained on the ${meta.backend} backend; other backends give the same ranking up to float rounding.
`;
}
