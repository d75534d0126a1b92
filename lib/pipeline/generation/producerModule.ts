import { HomeforgeError } from "../../core/errors.js";
import { composeProducers, type HomeProducer, type TableProducer, tableProducers } from "./producers.js";

/** The built-in producers (lib/pipeline/generation/producers.ts). */
export const DEFAULT_PRODUCER_MODULE = "homeforge:producers";

/**
 * The home producer of a module that exports `tableProducers` (a list of TableProducer),
 * given by file URL; the built-in list for DEFAULT_PRODUCER_MODULE. Workers load it by
 * name, so a custom producer list works on every thread.
 */
export async function loadHomeProducer(moduleUrl: string = DEFAULT_PRODUCER_MODULE): Promise<HomeProducer> {
  if (moduleUrl === DEFAULT_PRODUCER_MODULE) return composeProducers(tableProducers);
  const mod = (await import(moduleUrl)) as { tableProducers?: readonly TableProducer[] };
  if (!Array.isArray(mod.tableProducers)) {
    throw new HomeforgeError(
      "producerModule",
      `${moduleUrl} exports no tableProducers list`,
      "export const tableProducers: TableProducer[] from it",
    );
  }
  return composeProducers(mod.tableProducers);
}
