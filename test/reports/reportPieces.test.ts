import { test } from "uvu";
import * as assert from "uvu/assert";
import { quantileSorted, summarize } from "../../lib/reports/datasetCharts/stats.js";
import { scopeSvgIds } from "../../lib/reports/svgIds.js";

test("scopeSvgIds numbers ids by first appearance and rewrites every reference to them", () => {
  const svg = (n: number) =>
    `<svg><defs><linearGradient id="gradient_${n}"/><clipPath id="clip${n + 4}"/></defs>` +
    `<path fill="url(#gradient_${n})" clip-path="url(#clip${n + 4})"/><use href="#gradient_${n}"/><path fill="url(#other)"/></svg>`;
  const a = scopeSvgIds(svg(0), "weekday");
  assert.is(
    a,
    '<svg><defs><linearGradient id="weekday-0"/><clipPath id="weekday-1"/></defs>' +
      '<path fill="url(#weekday-0)" clip-path="url(#weekday-1)"/><use href="#weekday-0"/><path fill="url(#other)"/></svg>',
  );
  assert.is(scopeSvgIds(svg(7), "weekday"), a, "the counter's value no longer shows");
  assert.is(scopeSvgIds("<svg><path/></svg>", "x"), "<svg><path/></svg>");
});

test("summarize skips NaN, uses the n − 1 sd and type-7 quantiles", () => {
  const s = summarize(Float64Array.from([4, Number.NaN, 1, 3, 2, Number.NaN]));
  assert.equal(
    { count: s.count, missing: s.missing, mean: s.mean, min: s.min, p50: s.p50, max: s.max },
    { count: 4, missing: 2, mean: 2.5, min: 1, p50: 2.5, max: 4 },
  );
  assert.ok(Math.abs(s.sd - Math.sqrt(5 / 3)) < 1e-12);
  assert.is(s.q1, 1.75);
  assert.is(s.q3, 3.25);
  assert.is(quantileSorted([10], 0.9), 10);
  const empty = summarize([Number.NaN]);
  assert.is(empty.count, 0);
  assert.ok(Number.isNaN(empty.mean) && Number.isNaN(empty.p50) && Number.isNaN(empty.sd));
});

test.run();
