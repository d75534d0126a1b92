import type { ColumnTable } from "../../core/columnTable.js";

export interface DeviceInfo {
  homeId: string;
  entityId: string;
  domain: string;
  deviceClass: string;
  areaId: string;
  healthType: string;
  powerSource: string;
  friendlyName: string;
  areaName: string;
  areaKind: string;
  floor: number;
  indoor: boolean;
  /** Position of the device within its home, in devices-table order. */
  index: number;
}

export const deviceKey = (homeId: string, entityId: string) => `${homeId}\u0000${entityId}`;

/** Every device with its area, by (home_id, entity_id); `homes` lists each home's devices in order. */
export function indexDevices(
  devices: ColumnTable,
  areas: ColumnTable,
): { byKey: Map<string, DeviceInfo>; homes: Map<string, DeviceInfo[]> } {
  const areaInfo = new Map<string, { name: string; kind: string; floor: number; indoor: boolean }>();
  const a = areas.columns;
  for (let i = 0; i < areas.rows; i++) {
    areaInfo.set(deviceKey(a.home_id[i] as string, a.area_id[i] as string), {
      name: a.name[i] as string,
      kind: a.kind[i] as string,
      floor: (a.floor as Int32Array)[i],
      indoor: (a.indoor as Uint8Array)[i] === 1,
    });
  }
  const byKey = new Map<string, DeviceInfo>();
  const homes = new Map<string, DeviceInfo[]>();
  const d = devices.columns;
  for (let i = 0; i < devices.rows; i++) {
    const homeId = d.home_id[i] as string;
    const areaId = d.area_id[i] as string;
    const area = areaInfo.get(deviceKey(homeId, areaId));
    const list = homes.get(homeId) ?? [];
    const info: DeviceInfo = {
      homeId,
      entityId: d.entity_id[i] as string,
      domain: d.domain[i] as string,
      deviceClass: (d.device_class[i] as string | null) ?? "",
      areaId,
      healthType: d.health_type[i] as string,
      powerSource: d.power_source[i] as string,
      friendlyName: d.friendly_name[i] as string,
      areaName: area?.name ?? areaId,
      areaKind: area?.kind ?? "",
      floor: area?.floor ?? 0,
      indoor: area?.indoor ?? true,
      index: list.length,
    };
    list.push(info);
    homes.set(homeId, list);
    byKey.set(deviceKey(homeId, info.entityId), info);
  }
  return { byKey, homes };
}
