/** One line of a plot. */
export interface PlotLine {
  readonly label: string;
  readonly color: string;
  /** Points in x order; `hollow` marks a point drawn as an open circle (a step that did not hold). */
  readonly points: readonly { readonly x: number; readonly y: number; readonly hollow?: boolean }[];
}

export interface PlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** A dashed horizontal line (e.g. the 10 ms limit). */
  readonly threshold?: { readonly y: number; readonly label: string };
}

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { top: 36, right: 150, bottom: 48, left: 64 };

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

const formatNumber = (value: number) =>
  value >= 1000 ? `${value / 1000}k` : value >= 1 ? String(value) : value.toPrecision(1);

/**
 * A small line plot as standalone SVG: linear x, logarithmic y (latencies
 * span orders of magnitude). Values beyond the top (or infinite: deliveries
 * that never arrived) are pinned to the top edge.
 */
export function linePlot(lines: readonly PlotLine[], options: PlotOptions): string {
  const finite = lines.flatMap((line) => line.points).filter((point) => Number.isFinite(point.y) && point.y > 0);
  const xs = lines.flatMap((line) => line.points.map((point) => point.x));
  const xMax = Math.max(1, ...xs);
  const xStep = niceStep(xMax, 6);
  const xTop = Math.ceil(xMax / xStep) * xStep;
  const yValues = [...finite.map((point) => point.y), options.threshold?.y ?? 1];
  const yBottom = 10 ** Math.floor(Math.log10(Math.min(...yValues)));
  const yTop = 10 ** Math.ceil(Math.log10(Math.max(...yValues) * 1.01));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (value: number) => MARGIN.left + (value / xTop) * plotWidth;
  const y = (value: number) => {
    const clamped = Number.isFinite(value) ? Math.min(Math.max(value, yBottom), yTop) : yTop;
    return (
      MARGIN.top + plotHeight - ((Math.log10(clamped) - Math.log10(yBottom)) / Math.log10(yTop / yBottom)) * plotHeight
    );
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="14" font-weight="600">${escapeXml(options.title)}</text>`,
  ];
  for (let tick = 0; tick <= xTop; tick += xStep) {
    parts.push(
      `<line x1="${x(tick)}" y1="${MARGIN.top}" x2="${x(tick)}" y2="${MARGIN.top + plotHeight}" stroke="#eee"/>`,
      `<text x="${x(tick)}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle" fill="#555">${formatNumber(tick)}</text>`,
    );
  }
  for (let tick = yBottom; tick <= yTop * 1.0001; tick *= 10) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y(tick)}" x2="${MARGIN.left + plotWidth}" y2="${y(tick)}" stroke="#eee"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end" fill="#555">${formatNumber(tick)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  if (options.threshold) {
    const ty = y(options.threshold.y);
    parts.push(
      `<line x1="${MARGIN.left}" y1="${ty}" x2="${MARGIN.left + plotWidth}" y2="${ty}" stroke="#c00" stroke-dasharray="6 4"/>`,
      `<text x="${MARGIN.left + plotWidth - 4}" y="${ty - 5}" text-anchor="end" fill="#c00">${escapeXml(options.threshold.label)}</text>`,
    );
  }
  lines.forEach((line, i) => {
    const path = line.points.map(
      (point, j) => `${j === 0 ? "M" : "L"}${x(point.x).toFixed(1)} ${y(point.y).toFixed(1)}`,
    );
    parts.push(`<path d="${path.join(" ")}" fill="none" stroke="${line.color}" stroke-width="2"/>`);
    for (const point of line.points) {
      parts.push(
        `<circle cx="${x(point.x).toFixed(1)}" cy="${y(point.y).toFixed(1)}" r="3.5" fill="${point.hollow ? "#fff" : line.color}" stroke="${line.color}" stroke-width="1.5"/>`,
      );
    }
    const ly = MARGIN.top + 12 + i * 20;
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 14}" y1="${ly - 4}" x2="${WIDTH - MARGIN.right + 34}" y2="${ly - 4}" stroke="${line.color}" stroke-width="2"/>`,
      `<text x="${WIDTH - MARGIN.right + 40}" y="${ly}">${escapeXml(line.label)}</text>`,
    );
  });
  const legendY = MARGIN.top + 12 + lines.length * 20 + 8;
  parts.push(
    `<circle cx="${WIDTH - MARGIN.right + 24}" cy="${legendY - 4}" r="3.5" fill="#fff" stroke="#555" stroke-width="1.5"/>`,
    `<text x="${WIDTH - MARGIN.right + 40}" y="${legendY}" fill="#555">not sustained</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}
