// The benchmark's chart as a hand-written SVG (no chart library): ms per resource against N for up
// and for refresh, per type and for the baseline; below, the ratio figures of each type as bars
// with their goals marked.
"use strict";
const { machineLine } = require("./machine");

const WIDTH = 1040;
const HEIGHT = 860;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';
/** The baseline's color; each type's is its bench.js `color`. */
const BASELINE_COLOR = "#555555";
/** For a type without a color of its own. */
const FALLBACK_COLORS = ["#868e96", "#2b8a3e", "#5f3dc4"];
/** Ratio bars: the figure, its color and its goal (none: reported only). */
const BARS = [
  { key: "preview", label: "preview / baseline preview", color: "#4dabf7", goal: 1.2 },
  { key: "refresh", label: "refresh / baseline refresh", color: "#94d82d", goal: undefined },
  { key: "largest", label: "up at largest plan + latency / floor", color: "#ffa94d", goal: 1.2 },
  { key: "lowest", label: "up at smallest limit / floor", color: "#e599f7", goal: 1.1 },
];
/** Bars taller than this are cut (with their value written) so the others stay readable. */
const RATIO_CAP = 3;

const esc = (s) =>
  String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (x) => (x === 0 ? "0" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

const axisLabel = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(v >= 10 ? 0 : 1));

/** The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at or above `x`. */
function niceCeil(x) {
  if (!(x > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * power >= x) return m * power;
  return 10 * power;
}

function text(x, y, content, attrs = "") {
  return `<text x="${fmt2(x)}" y="${fmt2(y)}" ${FONT} ${attrs}>${esc(content)}</text>`;
}
const fmt2 = (x) => Math.round(x * 10) / 10;

/**
 * One line panel: `series` is [{name, color, dashed, points: [[n, msPerResource]]}]; the box is
 * {x, y, w, h} of the plotting area.
 */
function linePanel(box, title, series, sizes) {
  const out = [];
  const maxN = Math.max(...sizes);
  const maxY = niceCeil(Math.max(...series.flatMap((s) => s.points.map((p) => p[1]))) * 1.05);
  const sx = (n) => box.x + (n / maxN) * box.w;
  const sy = (v) => box.y + box.h - (v / maxY) * box.h;
  out.push(text(box.x, box.y - 14, title, 'font-size="15" font-weight="bold"'));
  // Grid and y axis.
  for (let i = 0; i <= 5; i++) {
    const v = (maxY / 5) * i;
    const y = sy(v);
    out.push(`<line x1="${box.x}" y1="${fmt2(y)}" x2="${box.x + box.w}" y2="${fmt2(y)}" stroke="#e9ecef"/>`);
    out.push(text(box.x - 8, y + 4, axisLabel(v), 'font-size="11" text-anchor="end" fill="#495057"'));
  }
  // x axis with a tick per size.
  out.push(
    `<line x1="${box.x}" y1="${box.y + box.h}" x2="${box.x + box.w}" y2="${box.y + box.h}" stroke="#343a40"/>`,
  );
  out.push(`<line x1="${box.x}" y1="${box.y}" x2="${box.x}" y2="${box.y + box.h}" stroke="#343a40"/>`);
  for (const n of sizes) {
    out.push(
      `<line x1="${fmt2(sx(n))}" y1="${box.y + box.h}" x2="${fmt2(sx(n))}" y2="${box.y + box.h + 5}" stroke="#343a40"/>`,
    );
    out.push(
      text(sx(n), box.y + box.h + 18, String(n), 'font-size="11" text-anchor="middle" fill="#495057"'),
    );
  }
  out.push(
    text(
      box.x + box.w / 2,
      box.y + box.h + 36,
      "N (resources in the stack)",
      'font-size="12" text-anchor="middle"',
    ),
  );
  out.push(
    text(
      box.x - 48,
      box.y + box.h / 2,
      "ms per resource",
      `font-size="12" text-anchor="middle" transform="rotate(-90 ${box.x - 48} ${box.y + box.h / 2})"`,
    ),
  );
  for (const s of series) {
    const pts = s.points.map(([n, v]) => `${fmt2(sx(n))},${fmt2(sy(v))}`).join(" ");
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    for (const [n, v] of s.points) {
      out.push(
        `<circle cx="${fmt2(sx(n))}" cy="${fmt2(sy(v))}" r="3" fill="${s.color}"><title>${esc(`${s.name}, N=${n}: ${fmt(v)} ms per resource`)}</title></circle>`,
      );
    }
  }
  return out.join("\n");
}

/** The ratio figures of one type (undefined where it was not measured). */
function ratiosOf(result, baseline, plan) {
  if (result.error) return undefined;
  const n = plan.mainN;
  const main = result.scaling[n];
  const largestFloor = baseline.parallelUp.ms + (result.largest.n * plan.latencyMs) / plan.parallel;
  const lowestFloor = baseline.scaling[result.lowest.n].up.ms + result.lowest.limitFloorMs;
  return {
    preview: main.preview.ms / baseline.scaling[n].preview.ms,
    refresh: main.refresh.ms / baseline.scaling[n].refresh.ms,
    largest: result.largest.up.ms / largestFloor,
    lowest: result.lowest.up.ms / lowestFloor,
  };
}

function barPanel(box, types, results, plan) {
  const out = [];
  out.push(
    text(
      box.x,
      box.y - 14,
      `Ratios at N=${plan.mainN} (lower is better; black marks: goals; bars cut at ${RATIO_CAP}x show their value)`,
      'font-size="15" font-weight="bold"',
    ),
  );
  const maxY = RATIO_CAP;
  const sy = (v) => box.y + box.h - (Math.min(v, maxY) / maxY) * box.h;
  for (let v = 0; v <= maxY; v += 0.5) {
    const y = sy(v);
    const stroke = v === 1 ? "#868e96" : "#e9ecef";
    out.push(
      `<line x1="${box.x}" y1="${fmt2(y)}" x2="${box.x + box.w}" y2="${fmt2(y)}" stroke="${stroke}"/>`,
    );
    out.push(text(box.x - 8, y + 4, `${v.toFixed(1)}x`, 'font-size="11" text-anchor="end" fill="#495057"'));
  }
  out.push(`<line x1="${box.x}" y1="${box.y}" x2="${box.x}" y2="${box.y + box.h}" stroke="#343a40"/>`);
  const groupW = box.w / Math.max(1, types.length);
  const barW = Math.min(34, (groupW - 30) / BARS.length);
  types.forEach((name, gi) => {
    const gx = box.x + gi * groupW + (groupW - barW * BARS.length) / 2;
    out.push(
      text(box.x + gi * groupW + groupW / 2, box.y + box.h + 18, name, 'font-size="12" text-anchor="middle"'),
    );
    const ratios = ratiosOf(results.types[name], results.baseline, plan);
    if (!ratios) {
      out.push(
        text(
          box.x + gi * groupW + groupW / 2,
          box.y + box.h / 2,
          "harness broke",
          'font-size="12" text-anchor="middle" fill="#c92a2a"',
        ),
      );
      return;
    }
    BARS.forEach((bar, bi) => {
      const value = ratios[bar.key];
      const x = gx + bi * barW;
      const y = sy(value);
      const cut = value > maxY;
      out.push(
        `<rect x="${fmt2(x + 2)}" y="${fmt2(y)}" width="${fmt2(barW - 4)}" height="${fmt2(box.y + box.h - y)}" fill="${bar.color}"><title>${esc(`${name}: ${bar.label} = ${fmt(value)}x`)}</title></rect>`,
      );
      if (cut) {
        out.push(
          `<path d="M${fmt2(x + 2)} ${fmt2(y + 8)} l${fmt2((barW - 4) / 2)} -6 l${fmt2((barW - 4) / 2)} 6" fill="none" stroke="#ffffff" stroke-width="2"/>`,
        );
      }
      // The value above the bar, and above its goal mark when that is higher.
      const labelY = Math.min(y, bar.goal === undefined ? y : sy(bar.goal)) - 5;
      out.push(
        text(x + barW / 2, labelY, `${fmt(value)}x`, 'font-size="10" text-anchor="middle" fill="#212529"'),
      );
      if (bar.goal !== undefined) {
        const gy = sy(bar.goal);
        out.push(
          `<line x1="${fmt2(x)}" y1="${fmt2(gy)}" x2="${fmt2(x + barW)}" y2="${fmt2(gy)}" stroke="#000000" stroke-width="2"/>`,
        );
      }
    });
  });
  // Legend of the bars.
  BARS.forEach((bar, i) => {
    const lx = box.x + (i % 2) * 460;
    const ly = box.y + box.h + 42 + Math.floor(i / 2) * 18;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${bar.color}"/>`);
    const goal = bar.goal === undefined ? "report" : `goal <= ${bar.goal}x`;
    out.push(text(lx + 18, ly, `${bar.label} (${goal})`, 'font-size="11"'));
  });
  return out.join("\n");
}

function renderChart(results, plan) {
  const types = Object.keys(results.types);
  const sizes = plan.sizes;
  const colorOf = (name, i) =>
    plan.types.find((type) => type.name === name)?.color ?? FALLBACK_COLORS[i % FALLBACK_COLORS.length];
  const seriesFor = (op) => {
    const series = [
      {
        name: "baseline (no-op)",
        color: BASELINE_COLOR,
        dashed: true,
        points: sizes.map((n) => [n, results.baseline.scaling[n][op].ms / n]),
      },
    ];
    types.forEach((name, i) => {
      const r = results.types[name];
      if (r.error) return;
      series.push({ name, color: colorOf(name, i), points: sizes.map((n) => [n, r.scaling[n][op].ms / n]) });
    });
    return series;
  };
  const upSeries = seriesFor("up");
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    text(30, 32, "pulumi-chatbots benchmark (npm run bench)", 'font-size="20" font-weight="bold"'),
    text(30, 52, machineLine(results.machine), 'font-size="11" fill="#495057"'),
    linePanel(
      { x: 90, y: 100, w: 400, h: 260 },
      "pulumi up: ms per resource (no latency, no rate limit)",
      upSeries,
      sizes,
    ),
    linePanel(
      { x: 610, y: 100, w: 400, h: 260 },
      "pulumi refresh: ms per resource",
      seriesFor("refresh"),
      sizes,
    ),
  ];
  // Legend of the lines.
  upSeries.forEach((s, i) => {
    const lx = 90 + (i % 3) * 300;
    const ly = 430 + Math.floor(i / 3) * 20;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
    parts.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 26}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${dash}/>`,
    );
    parts.push(text(lx + 32, ly, s.name, 'font-size="12"'));
  });
  parts.push(barPanel({ x: 90, y: 520, w: 920, h: 260 }, types, results, plan));
  parts.push("</svg>", "");
  return parts.join("\n");
}

module.exports = { renderChart };
