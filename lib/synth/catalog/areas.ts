import type { HomeType } from "./homeTypes.js";

export type AreaKind =
  | "living_room"
  | "kitchen"
  | "bedroom"
  | "bathroom"
  | "hallway"
  | "entrance"
  | "office"
  | "dining_room"
  | "laundry"
  | "garage"
  | "basement"
  | "attic"
  | "stairs"
  | "yard"
  | "garden"
  | "patio"
  | "porch"
  | "driveway";

/** Every area kind, in a fixed order (the order model inputs one-hot them in). */
export const AREA_KINDS: readonly AreaKind[] = Object.keys({
  living_room: 1,
  kitchen: 1,
  bedroom: 1,
  bathroom: 1,
  hallway: 1,
  entrance: 1,
  office: 1,
  dining_room: 1,
  laundry: 1,
  garage: 1,
  basement: 1,
  attic: 1,
  stairs: 1,
  yard: 1,
  garden: 1,
  patio: 1,
  porch: 1,
  driveway: 1,
} satisfies Record<AreaKind, 1>) as AreaKind[];

export const OUTDOOR_AREA_KINDS: ReadonlySet<AreaKind> = new Set([
  "yard",
  "garden",
  "patio",
  "porch",
  "driveway",
]);

/** Where an area sits: ground floor, an upper floor, any floor, or below ground. */
export type FloorRule = "ground" | "upper" | "any" | "basement";

export interface AreaTemplate {
  kind: AreaKind;
  /** Name variants; one is drawn per home. Numbered when a home has several of a kind. */
  names: readonly string[];
  floor: FloorRule;
  /** Probability the area exists (1 = always). */
  probability: number;
  /** How many of this area a home has, drawn uniformly (default [1, 1]). */
  count?: [number, number];
}

const living: AreaTemplate = {
  kind: "living_room",
  names: ["Living Room", "Lounge"],
  floor: "ground",
  probability: 1,
};
const kitchen: AreaTemplate = { kind: "kitchen", names: ["Kitchen"], floor: "ground", probability: 1 };
const entrance: AreaTemplate = {
  kind: "entrance",
  names: ["Entrance", "Front Hall", "Foyer"],
  floor: "ground",
  probability: 1,
};
const hallway: AreaTemplate = {
  kind: "hallway",
  names: ["Hallway", "Corridor"],
  floor: "any",
  probability: 1,
};
const bathroom = (count: [number, number]): AreaTemplate => ({
  kind: "bathroom",
  names: ["Bathroom"],
  floor: "any",
  probability: 1,
  count,
});
const bedrooms = (count: [number, number], floor: FloorRule = "upper"): AreaTemplate => ({
  kind: "bedroom",
  names: ["Bedroom"],
  floor,
  probability: 1,
  count,
});
const office = (p: number): AreaTemplate => ({
  kind: "office",
  names: ["Office", "Study"],
  floor: "any",
  probability: p,
});
const dining = (p: number): AreaTemplate => ({
  kind: "dining_room",
  names: ["Dining Room"],
  floor: "ground",
  probability: p,
});
const laundry = (p: number): AreaTemplate => ({
  kind: "laundry",
  names: ["Laundry", "Utility Room"],
  floor: "any",
  probability: p,
});
const garage = (p: number): AreaTemplate => ({
  kind: "garage",
  names: ["Garage"],
  floor: "ground",
  probability: p,
});
const basement = (p: number): AreaTemplate => ({
  kind: "basement",
  names: ["Basement", "Cellar"],
  floor: "basement",
  probability: p,
});
const attic = (p: number): AreaTemplate => ({
  kind: "attic",
  names: ["Attic", "Loft"],
  floor: "upper",
  probability: p,
});
const stairs: AreaTemplate = {
  kind: "stairs",
  names: ["Stairs", "Staircase"],
  floor: "ground",
  probability: 1,
};
const outdoor = (kind: AreaKind, names: string[], p: number): AreaTemplate => ({
  kind,
  names,
  floor: "ground",
  probability: p,
});

/** Area templates per home type. Apartments and studios have no outdoor areas. */
export const AREA_TEMPLATES: Record<HomeType, readonly AreaTemplate[]> = {
  single_family_house: [
    entrance,
    living,
    kitchen,
    hallway,
    bedrooms([2, 4]),
    bathroom([1, 3]),
    office(0.6),
    dining(0.7),
    laundry(0.7),
    garage(0.8),
    basement(0.35),
    attic(0.25),
    stairs,
    outdoor("yard", ["Backyard", "Yard"], 0.9),
    outdoor("porch", ["Front Porch", "Porch"], 0.7),
    outdoor("driveway", ["Driveway"], 0.7),
    outdoor("patio", ["Patio", "Terrace"], 0.4),
  ],
  apartment: [
    entrance,
    living,
    kitchen,
    hallway,
    bedrooms([1, 2], "any"),
    bathroom([1, 1]),
    office(0.35),
    dining(0.2),
  ],
  condo: [
    entrance,
    living,
    kitchen,
    hallway,
    bedrooms([1, 3], "any"),
    bathroom([1, 2]),
    office(0.4),
    dining(0.4),
    laundry(0.4),
    outdoor("patio", ["Patio", "Terrace"], 0.5),
  ],
  townhouse: [
    entrance,
    living,
    kitchen,
    hallway,
    stairs,
    bedrooms([2, 3]),
    bathroom([1, 3]),
    office(0.5),
    dining(0.5),
    laundry(0.5),
    garage(0.5),
    outdoor("yard", ["Backyard", "Yard"], 0.6),
    outdoor("porch", ["Front Porch", "Stoop"], 0.5),
  ],
  ranch_house: [
    entrance,
    living,
    kitchen,
    hallway,
    bedrooms([2, 4], "ground"),
    bathroom([1, 3]),
    office(0.5),
    dining(0.7),
    laundry(0.8),
    garage(0.9),
    outdoor("yard", ["Backyard", "Yard"], 1),
    outdoor("porch", ["Front Porch", "Veranda"], 0.8),
    outdoor("driveway", ["Driveway"], 0.9),
    outdoor("garden", ["Garden"], 0.6),
    outdoor("patio", ["Patio"], 0.5),
  ],
  multi_story: [
    entrance,
    living,
    kitchen,
    hallway,
    { ...hallway, names: ["Upstairs Hallway", "Landing"], floor: "upper" },
    stairs,
    bedrooms([3, 5]),
    bathroom([2, 4]),
    office(0.8),
    dining(0.8),
    laundry(0.8),
    garage(0.7),
    basement(0.5),
    attic(0.4),
    outdoor("yard", ["Backyard", "Yard"], 0.7),
    outdoor("porch", ["Front Porch"], 0.6),
    outdoor("patio", ["Terrace", "Patio"], 0.5),
  ],
  cottage: [
    entrance,
    living,
    kitchen,
    bedrooms([1, 3], "any"),
    bathroom([1, 2]),
    dining(0.3),
    laundry(0.3),
    outdoor("garden", ["Garden"], 1),
    outdoor("porch", ["Porch"], 0.6),
    outdoor("patio", ["Patio"], 0.3),
  ],
  studio: [
    entrance,
    { kind: "living_room", names: ["Main Room", "Living Area"], floor: "ground", probability: 1 },
    { kind: "kitchen", names: ["Kitchenette", "Kitchen"], floor: "ground", probability: 1 },
    bathroom([1, 1]),
  ],
};
