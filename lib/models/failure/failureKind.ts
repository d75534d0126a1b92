import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MODEL_JSON, WEIGHTS_BIN } from "../registry/fileIO.js";
import { defineModelKind, type KindProblem } from "../registry/kinds.js";
import { FailureClassifier, PREPROCESS_FILE, PREPROCESS_FORMAT } from "./failureClassifier.js";
import { failureModelCard } from "./modelCard.js";

/**
 * The failure classifier's registry kind: model.json + weights.bin (a tf layers model)
 * and preprocess.json (features, standardiser, threshold, params, training summary).
 */
export const FAILURE_CLASSIFIER_KIND = defineModelKind<FailureClassifier>({
  name: "failure_classifier",
  label: "failure classifier",
  files: [MODEL_JSON, WEIGHTS_BIN, PREPROCESS_FILE],
  save: (classifier, dir) => classifier.save(dir),
  load: (dir) => FailureClassifier.load(dir),
  describe(classifier) {
    const pre = classifier.preprocess();
    return {
      signature: {
        inputs: {
          name: "features",
          dtype: "float32",
          shape: [null, pre.features.length],
          features: pre.features,
        },
        outputs: {
          name: "failure_probability",
          dtype: "float32",
          shape: [null, 1],
          description: "probability that the device fails within 7 days (fails_within_7d)",
        },
        threshold: pre.threshold,
      },
      seed: pre.params.seed,
      params: { ...pre.params },
      backend: classifier.training?.backend ?? "unknown",
      training: { ...(classifier.training ?? {}) },
    };
  },
  card: failureModelCard,
  check(dir, meta): KindProblem[] {
    let pre: { format?: unknown; features?: unknown };
    try {
      pre = JSON.parse(readFileSync(join(dir, PREPROCESS_FILE), "utf8"));
    } catch {
      return [{ file: PREPROCESS_FILE, problem: "is not valid JSON" }];
    }
    if (pre?.format !== PREPROCESS_FORMAT)
      return [{ file: PREPROCESS_FILE, problem: `is not a ${PREPROCESS_FORMAT} preprocess file` }];
    const features = meta.signature?.inputs?.features;
    if (
      !Array.isArray(pre.features) ||
      !Array.isArray(features) ||
      pre.features.length !== features.length ||
      pre.features.some((f, i) => f !== features[i])
    )
      return [{ file: PREPROCESS_FILE, problem: "lists other features than meta.json's signature" }];
    return [];
  },
  dispose: (classifier) => classifier.dispose(),
});
