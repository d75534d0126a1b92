import { type ColumnTable, columnTable } from "../../core/columnTable.js";
import type { GeneratedHome } from "../../synth/homes.js";
import { AREAS_SCHEMA, DEVICES_SCHEMA, HOMES_SCHEMA } from "../storage/tables.js";

/** Homes, areas and devices of a batch of generated homes, as column tables. */
export function homeTables(homes: readonly GeneratedHome[]): {
  homes: ColumnTable;
  areas: ColumnTable;
  devices: ColumnTable;
} {
  const n = homes.length;
  const latitude = new Float64Array(n);
  const longitude = new Float64Array(n);
  const occupants = new Int32Array(n);
  const floors = new Int32Array(n);
  homes.forEach(({ home }, i) => {
    latitude[i] = home.latitude;
    longitude[i] = home.longitude;
    occupants[i] = home.occupants;
    floors[i] = home.floors;
  });
  const h = homes.map((g) => g.home);
  const areas = homes.flatMap((g) => g.areas);
  const devices = homes.flatMap((g) => g.devices);
  return {
    homes: columnTable(HOMES_SCHEMA, {
      home_id: h.map((x) => x.homeId),
      home_type: h.map((x) => x.homeType),
      size_category: h.map((x) => x.sizeCategory),
      timezone: h.map((x) => x.timezone),
      latitude,
      longitude,
      climate_zone: h.map((x) => x.climateZone),
      occupants,
      schedule: h.map((x) => x.schedule),
      floors,
      radio_environment: h.map((x) => x.radio),
      vacations: h.map((x) =>
        JSON.stringify(x.vacations.map((v) => ({ start_day: v.startDay, days: v.days }))),
      ),
    }),
    areas: columnTable(AREAS_SCHEMA, {
      home_id: areas.map((a) => a.homeId),
      area_id: areas.map((a) => a.areaId),
      name: areas.map((a) => a.name),
      kind: areas.map((a) => a.kind),
      floor: Int32Array.from(areas, (a) => a.floor),
      indoor: Uint8Array.from(areas, (a) => (a.indoor ? 1 : 0)),
    }),
    devices: columnTable(DEVICES_SCHEMA, {
      home_id: devices.map((d) => d.homeId),
      entity_id: devices.map((d) => d.entityId),
      domain: devices.map((d) => d.domain),
      device_class: devices.map((d) => d.deviceClass),
      area_id: devices.map((d) => d.areaId),
      health_type: devices.map((d) => d.healthType),
      power_source: devices.map((d) => d.powerSource),
      template: devices.map((d) => d.template),
      friendly_name: devices.map((d) => d.friendlyName),
    }),
  };
}
