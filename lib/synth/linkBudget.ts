import type { AleaStream } from "../core/aleaStream.js";
import {
  AREA_HUB_DISTANCE,
  CONSTRUCTION_RADIO,
  PLACEMENT_SIGNAL_SD_DB,
  ROOM_SPAN_M,
  SIGNAL_AT_1M_DBM,
  STOREY_HEIGHT_M,
} from "./catalog/health.js";
import { FLOOR_AREA_SCALE, HOME_TYPE_SPECS } from "./catalog/homeTypes.js";
import type { Area, Home } from "./homes.js";

/*
 * A device's radio link to the hub: its distance from the hub (floor area per storey, the
 * area's place in the home, the floor it is on) and the mean signal that reaches it through
 * the walls and floors of the home's construction. The hub sits in the ground-floor living
 * area. Path loss follows a multi-wall model (COST 231): free-space 20·log10(d / 1 m), one
 * interior wall per ROOM_SPAN_M of horizontal path, every floor slab between device and hub,
 * the outer wall for outdoor devices.
 */

export interface DeviceLink {
  /** Straight-line distance to the hub, m. */
  distanceM: number;
  /** Expected mean RSSI of a healthy unit at this spot, dBm (before day-to-day noise). */
  signalDbm: number;
}

/** Total floor area of the home, m². */
export function floorAreaM2(home: Pick<Home, "homeType" | "sizeCategory">): number {
  return HOME_TYPE_SPECS[home.homeType].floorAreaM2 * FLOOR_AREA_SCALE[home.sizeCategory];
}

/**
 * The device's link, drawn from the device's placement stream (homeContext.ts derives it from
 * (seed, home index, entity_id, "placement")), so the failure plan and the telemetry see
 * the same spot.
 */
export function deviceLink(
  rng: AleaStream,
  home: Pick<Home, "homeType" | "sizeCategory" | "floors">,
  area: Pick<Area, "kind" | "floor" | "indoor">,
): DeviceLink {
  const footprint = floorAreaM2(home) / Math.max(1, home.floors);
  const halfSide = Math.sqrt(footprint) / 2;
  const horizontal = halfSide * AREA_HUB_DISTANCE[area.kind] * rng.uniform(0.6, 1.4);
  const vertical = Math.abs(area.floor) * STOREY_HEIGHT_M;
  const distanceM = Math.max(1, Math.hypot(horizontal, vertical));
  const walls = CONSTRUCTION_RADIO[HOME_TYPE_SPECS[home.homeType].construction];
  const loss =
    20 * Math.log10(distanceM) +
    walls.wallDb * (horizontal / ROOM_SPAN_M) +
    walls.perFloorDb * Math.abs(area.floor) +
    (area.indoor ? 0 : walls.outerWallDb);
  const signalDbm = SIGNAL_AT_1M_DBM - loss + rng.normal(0, PLACEMENT_SIGNAL_SD_DB);
  return { distanceM, signalDbm };
}
