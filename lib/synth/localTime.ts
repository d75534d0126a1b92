/**
 * Local time of a home (zone offsets, local clocks, hour grids): lives in lib/core so the
 * models room reads events on the generator's own clock; re-exported here for synth.
 */
export * from "../core/localTime.js";
