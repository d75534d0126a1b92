/** The eight home types, in the fixed order used for mixes and one-hot encodings. */
export const HOME_TYPES = [
  "single_family_house",
  "apartment",
  "condo",
  "townhouse",
  "ranch_house",
  "multi_story",
  "cottage",
  "studio",
] as const;
export type HomeType = (typeof HOME_TYPES)[number];

export const DEFAULT_HOME_TYPE_MIX: Record<HomeType, number> = {
  single_family_house: 0.35,
  apartment: 0.2,
  condo: 0.15,
  townhouse: 0.12,
  ranch_house: 0.08,
  multi_story: 0.05,
  cottage: 0.03,
  studio: 0.02,
};

export const SIZE_CATEGORIES = ["small", "medium", "large", "extra_large"] as const;
export type SizeCategory = (typeof SIZE_CATEGORIES)[number];

/** Share of homes in each size category, and where in the type's device range it places a home. */
export const SIZE_CATEGORY_SPEC: Record<SizeCategory, { share: number; rangeFraction: [number, number] }> = {
  small: { share: 0.3, rangeFraction: [0, 0.35] },
  medium: { share: 0.4, rangeFraction: [0.25, 0.65] },
  large: { share: 0.22, rangeFraction: [0.55, 0.9] },
  extra_large: { share: 0.08, rangeFraction: [0.8, 1] },
};

/** The catalog's size mix (what generation draws from when the config sets no `sizeMix`). */
export const DEFAULT_SIZE_MIX: Record<SizeCategory, number> = Object.fromEntries(
  SIZE_CATEGORIES.map((s) => [s, SIZE_CATEGORY_SPEC[s].share]),
) as Record<SizeCategory, number>;

/** Radio environment: how walls, neighbours and distance degrade wireless links. */
export const RADIO_ENVIRONMENTS = ["clean", "moderate", "congested", "thick_walls"] as const;
export type RadioEnvironment = (typeof RADIO_ENVIRONMENTS)[number];

/**
 * How the home is built, which sets how fast a radio signal dies with distance, through
 * floors and through the outer wall (catalog/health.ts CONSTRUCTION_RADIO): timber frame
 * and drywall (most detached North-American-style houses), masonry (brick or stone: old
 * cottages, tall town houses), reinforced concrete (apartment and condo blocks).
 */
export type Construction = "timber_frame" | "masonry" | "reinforced_concrete";

/**
 * Typical floor area of a size category as a multiple of the type's medium home (so a
 * small studio is ~25 m², an extra-large multi-story home ~600 m²). Distance from the hub
 * grows with the square root of the area per storey.
 */
export const FLOOR_AREA_SCALE: Record<SizeCategory, number> = {
  small: 0.7,
  medium: 1,
  large: 1.4,
  extra_large: 2,
};

export interface HomeTypeSpec {
  floors: [number, number];
  deviceCount: [number, number];
  occupants: [number, number];
  /** 0 = no outdoor devices at all, 1 = a large garden and driveway. */
  outdoorExposure: number;
  radio: RadioEnvironment;
  construction: Construction;
  /** Total floor area of a medium home of this type, m² (all storeys). */
  floorAreaM2: number;
  /**
   * Mains disturbances (sags, swells, short outages) that reboot devices, per 30 days, for
   * a typical home of the type: rural overhead feeders see several times the disturbances
   * of urban underground cables (catalog/health.ts POWER_QUALITY explains the numbers).
   */
  powerDisturbancesPer30d: number;
  /** Multipliers on the device template weights (by template key prefix), so the mix differs per type. */
  deviceMix: Partial<Record<DeviceFamily, number>>;
}

/** Device families group templates for per-type mix weights. */
export type DeviceFamily =
  | "lighting"
  | "plugs"
  | "motion"
  | "contact"
  | "environment"
  | "energy"
  | "climate"
  | "security"
  | "covers"
  | "media"
  | "appliances"
  | "outdoor";

export const HOME_TYPE_SPECS: Record<HomeType, HomeTypeSpec> = {
  single_family_house: {
    floors: [1, 2],
    deviceCount: [30, 60],
    occupants: [2, 5],
    outdoorExposure: 0.7,
    radio: "moderate",
    construction: "timber_frame",
    floorAreaM2: 170,
    powerDisturbancesPer30d: 0.6,
    deviceMix: { security: 1.3, outdoor: 1.2, covers: 1.1 },
  },
  apartment: {
    floors: [1, 1],
    deviceCount: [10, 25],
    occupants: [1, 3],
    outdoorExposure: 0,
    radio: "congested",
    construction: "reinforced_concrete",
    floorAreaM2: 75,
    powerDisturbancesPer30d: 0.25,
    deviceMix: { plugs: 1.4, media: 1.3, security: 0.6, covers: 0.7 },
  },
  condo: {
    floors: [1, 2],
    deviceCount: [15, 35],
    occupants: [1, 4],
    outdoorExposure: 0.15,
    radio: "congested",
    construction: "reinforced_concrete",
    floorAreaM2: 100,
    powerDisturbancesPer30d: 0.25,
    deviceMix: { plugs: 1.2, media: 1.2, climate: 1.1 },
  },
  townhouse: {
    floors: [2, 3],
    deviceCount: [20, 45],
    occupants: [2, 4],
    outdoorExposure: 0.4,
    radio: "moderate",
    construction: "timber_frame",
    floorAreaM2: 140,
    powerDisturbancesPer30d: 0.45,
    deviceMix: { lighting: 1.1, security: 1.1 },
  },
  ranch_house: {
    floors: [1, 1],
    deviceCount: [25, 50],
    occupants: [2, 5],
    outdoorExposure: 0.9,
    radio: "clean",
    construction: "timber_frame",
    floorAreaM2: 160,
    powerDisturbancesPer30d: 1.5,
    deviceMix: { outdoor: 1.6, security: 1.2, environment: 1.1 },
  },
  multi_story: {
    floors: [3, 4],
    deviceCount: [40, 80],
    occupants: [3, 6],
    outdoorExposure: 0.6,
    radio: "thick_walls",
    construction: "masonry",
    floorAreaM2: 280,
    powerDisturbancesPer30d: 0.5,
    deviceMix: { climate: 1.3, motion: 1.2, lighting: 1.1 },
  },
  cottage: {
    floors: [1, 2],
    deviceCount: [15, 30],
    occupants: [1, 3],
    outdoorExposure: 0.8,
    radio: "thick_walls",
    construction: "masonry",
    floorAreaM2: 95,
    powerDisturbancesPer30d: 1.5,
    deviceMix: { environment: 1.3, outdoor: 1.3, media: 0.7 },
  },
  studio: {
    floors: [1, 1],
    deviceCount: [5, 15],
    occupants: [1, 2],
    outdoorExposure: 0,
    radio: "congested",
    construction: "reinforced_concrete",
    floorAreaM2: 35,
    powerDisturbancesPer30d: 0.3,
    deviceMix: { plugs: 1.5, media: 1.2, security: 0.5, climate: 0.8 },
  },
};

export const SCHEDULES = ["office", "remote", "shift", "retired"] as const;
export type Schedule = (typeof SCHEDULES)[number];
export const SCHEDULE_SHARES: Record<Schedule, number> = {
  office: 0.45,
  remote: 0.25,
  shift: 0.12,
  retired: 0.18,
};
