import { FAILURE_CLASSIFIER_KIND } from "../failure/failureKind.js";
import { FAILURE_ROUTER_KIND } from "../failure/routerKind.js";
import { SYNERGY_GNN_KIND } from "../synergy/synergyGnnKind.js";
import type { ModelKind } from "./kinds.js";

/**
 * The model kinds a ModelRegistry knows unless told otherwise: the one list to extend when
 * a kind is added.
 */
// biome-ignore lint/suspicious/noExplicitAny: a list of kinds of different model types
export const DEFAULT_MODEL_KINDS: readonly ModelKind<any>[] = [
  FAILURE_CLASSIFIER_KIND,
  FAILURE_ROUTER_KIND,
  SYNERGY_GNN_KIND,
];
