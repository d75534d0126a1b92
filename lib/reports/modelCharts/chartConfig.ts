/**
 * Config the model charts add to vegaSvg's base: legend labels long enough for model names
 * ("failure-single_family_house v3", "boosted trees (matched) (0.954)"). vegaSvg merges a
 * spec's config one level deep, so the base legend font sizes are repeated here.
 */
export const WIDE_LEGENDS = {
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
} as const;
