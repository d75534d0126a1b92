/**
 * `homeforge/synth`: the synthetic world as building blocks — homes and their catalog,
 * rhythms (the generator's temporal patterns), occupancy, weather, sun, events, telemetry,
 * planted failures and synergies, confounders (routines, walk-throughs), and the seeded random streams they draw from. Pure
 * functions of a seed: no files, no TensorFlow.js, no danfo.
 *
 *   import { generateHome, rhythmAt, deriveSeed } from "homeforge/synth";
 */

export * from "../core/random.js";
export * from "./areaAdjacency.js";
export * from "./catalog/areas.js";
export * from "./catalog/compatiblePairs.js";
export * from "./catalog/devices.js";
export * from "./catalog/eventBehaviour.js";
export * from "./catalog/health.js";
export * from "./catalog/homeTypes.js";
export * from "./catalog/locations.js";
export * from "./catalog/relationships.js";
export * from "./confounders.js";
export * from "./deviceAge.js";
export * from "./eventRates.js";
export { eventsWithinDays } from "./eventStream.js";
export * from "./events.js";
export * from "./exposure.js";
export * from "./failures.js";
export * from "./faults.js";
export * from "./homeContext.js";
export * from "./homes.js";
export * from "./linkBudget.js";
export * from "./localTime.js";
export * from "./occupancy.js";
export * from "./power.js";
export * from "./rhythms.js";
export * from "./routines.js";
export * from "./sun.js";
export * from "./synergies.js";
export * from "./synergyTypes.js";
export * from "./telemetry.js";
export * from "./walkThrough.js";
export * from "./weather.js";
