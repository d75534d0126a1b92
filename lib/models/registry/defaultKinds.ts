import { FAILURE_CLASSIFIER_KIND } from "../failure/failureKind.js";
import type { ModelKind } from "./kinds.js";

/**
 * The model kinds a ModelRegistry knows unless told otherwise: the one list to extend when
 * a kind is added (the synergy GNN and the per-type router are next).
 */
// biome-ignore lint/suspicious/noExplicitAny: a list of kinds of different model types
export const DEFAULT_MODEL_KINDS: readonly ModelKind<any>[] = [FAILURE_CLASSIFIER_KIND];
