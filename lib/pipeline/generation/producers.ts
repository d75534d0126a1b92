import type { ProducedTable } from "../../core/columnTable.js";
import { type ConfounderPlan, planConfounders } from "../../synth/confounders.js";
import { generateHomeEvents } from "../../synth/events.js";
import type { GeneratedHome } from "../../synth/homes.js";
import { plantSynergies } from "../../synth/synergies.js";
import type { PlantedSynergy } from "../../synth/synergyTypes.js";
import { generateHomeTelemetry } from "../../synth/telemetry.js";
import { extractPatterns } from "../analysis/patternMining.js";
import type { TableName } from "../storage/tables.js";
import type { GenerationConfig } from "./config.js";
import { eventsTable } from "./eventsTable.js";
import { homeTables } from "./homeTables.js";
import { synergiesTable } from "./synergiesTable.js";
import { telemetryTable } from "./telemetryTable.js";

/** A home's (or a batch's) tables as produced: string columns may be DictionaryColumns. */
export type HomeTables = Partial<Record<TableName, ProducedTable>>;

/** What a producer sees besides the home: the work of the producers before it. */
export interface ProducerContext {
  /** Tables already produced for this home, by earlier producers. */
  readonly tables: HomeTables;
  /** Values one producer hands to later ones, e.g. the planted synergies for the event generator. */
  readonly shared: Map<string, unknown>;
}

/** Makes some of a home's tables. Must be a pure function of (home, config): workers run it anywhere. */
export type TableProducer = (
  generated: GeneratedHome,
  config: GenerationConfig,
  ctx: ProducerContext,
) => HomeTables;

/** All of a home's tables. */
export type HomeProducer = (generated: GeneratedHome, config: GenerationConfig) => HomeTables;

export const homeTablesProducer: TableProducer = (generated) => homeTables([generated]);

/**
 * Planted synergies; shared as "synergies" for the event generator, with the confounder plan
 * they were marked against ("confounders", which the event generator would otherwise make again).
 */
export const synergiesProducer: TableProducer = (generated, config, ctx) => {
  const plan = planConfounders(generated, config.seed);
  const planted = plantSynergies(generated, config.seed, plan);
  ctx.shared.set("synergies", planted);
  ctx.shared.set("confounders", plan);
  return { synergies: synergiesTable(planted) };
};

export const telemetryProducer: TableProducer = (generated, config) => ({
  telemetry: telemetryTable(generateHomeTelemetry(generated, config), generated),
});

/** State changes; linked actions follow the synergies planted by synergiesProducer. */
export const eventsProducer: TableProducer = (generated, config, ctx) => {
  const planted =
    (ctx.shared.get("synergies") as PlantedSynergy[] | undefined) ?? plantSynergies(generated, config.seed);
  const plan = ctx.shared.get("confounders") as ConfounderPlan | undefined;
  return { events: eventsTable(generateHomeEvents(generated, config, planted, plan), generated) };
};

/** Behaviour patterns mined from the home's events, peak hours on its local clock. */
export const patternsProducer: TableProducer = (generated, _config, ctx) => {
  const events = ctx.tables.events;
  if (!events) throw new Error("patternsProducer needs eventsProducer before it");
  return {
    patterns: extractPatterns(events, {
      timeZones: { [generated.home.homeId]: generated.home.timezone },
    }),
  };
};

/**
 * The producers every generation run uses, in order; each sees the tables (ctx.tables) and
 * shared values (ctx.shared) of those before it. Register a table with one named producer
 * and one line in this list.
 *
 * The producers' names are part of every dataset id, so adding one never lets an old cached
 * dataset pass for a new one (a changed producer still needs a GENERATOR_VERSION bump).
 * Worker threads import this module by URL, so producers must live here (or in a module
 * passed as `producerModule`), not be registered at run time.
 */
export const tableProducers: readonly TableProducer[] = [
  homeTablesProducer,
  synergiesProducer,
  telemetryProducer,
  eventsProducer,
  patternsProducer,
];

/** The producer list as it enters dataset ids: producer names in order. */
export function producersId(producers: readonly TableProducer[]): string {
  return producers.map((p, i) => p.name || `producer${i}`).join("+");
}

/** Chains producers into one home producer; later producers win on a table name clash. */
export function composeProducers(producers: readonly TableProducer[]): HomeProducer {
  return (generated, config) => {
    const tables: HomeTables = {};
    const ctx: ProducerContext = { tables, shared: new Map() };
    for (const produce of producers) Object.assign(tables, produce(generated, config, ctx));
    return tables;
  };
}

export const produceHomeTables: HomeProducer = composeProducers(tableProducers);
