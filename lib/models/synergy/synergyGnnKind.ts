import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { WEIGHTS_BIN } from "../registry/fileIO.js";
import { defineModelKind, type KindProblem } from "../registry/kinds.js";
import { synergyGnnCard } from "./gnnCard.js";
import {
  GNN_FILE,
  gnnFileProblem,
  SynergyGnn,
  type SynergyGnnFile,
  signatureFeatures,
  weightsProblem,
} from "./synergyGnn.js";

/**
 * The synergy GNN's registry kind: gnn.json (params, feature names and widths, scalers,
 * threshold, the weight list, training summary) + weights.bin (float32 variables in
 * gnn.json's order). Not a tf.LayersModel (see gnnNetwork.ts), so weights.bin is read by
 * SynergyGnn.load, or by tf.io.decodeWeights with gnn.json's `weights` as the manifest.
 * "synergy_gnn" with an underscore like the other kinds (the issue spells it synergy-gnn).
 */
export const SYNERGY_GNN_KIND = defineModelKind<SynergyGnn>({
  name: "synergy_gnn",
  label: "synergy GNN",
  files: [GNN_FILE, WEIGHTS_BIN],
  save: (model, dir) => model.save(dir),
  load: (dir) => SynergyGnn.load(dir),
  describe(model) {
    const file = model.toFile();
    const features = signatureFeatures(file.features);
    return {
      signature: {
        inputs: { name: "synergy_graph", dtype: "float32", shape: [null, features.length], features },
        outputs: {
          name: "link_probability",
          dtype: "float32",
          shape: [null],
          description:
            "per candidate trigger→action pair of a home graph: the probability that it is a planted link",
        },
        ...(file.training?.threshold ? { threshold: file.threshold } : {}),
      },
      seed: file.params.seed,
      params: { ...file.params },
      backend: file.training?.backend ?? "unknown",
      training: { ...(file.training ?? {}), widths: file.widths, edge_types: file.edge_types },
    };
  },
  card: synergyGnnCard,
  check(dir, meta): KindProblem[] {
    let file: SynergyGnnFile;
    try {
      file = JSON.parse(readFileSync(join(dir, GNN_FILE), "utf8"));
    } catch {
      return [{ file: GNN_FILE, problem: "is not valid JSON" }];
    }
    const problem = gnnFileProblem(file);
    if (problem) return [{ file: GNN_FILE, problem }];
    const features = signatureFeatures(file.features);
    const recorded = meta.signature?.inputs?.features;
    if (
      !Array.isArray(recorded) ||
      recorded.length !== features.length ||
      recorded.some((f, i) => f !== features[i])
    )
      return [{ file: GNN_FILE, problem: "lists other features than meta.json's signature" }];
    const bytes = weightsProblem(file, statSync(join(dir, WEIGHTS_BIN)).size);
    return bytes ? [{ file: WEIGHTS_BIN, problem: bytes }] : [];
  },
  dispose: (model) => model.dispose(),
});
