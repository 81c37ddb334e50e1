// A hand-written SVG bar chart of a run: rates on a log scale (the baseline and the end-to-end figures are orders of
// magnitude apart), the latencies at half load, and peak memory; one bar per runtime.
import { METRICS } from "./metrics";
import type { RuntimeResult } from "./scenarios";

const WIDTH = 900;
const LABEL_WIDTH = 300;
const BAR_AREA = WIDTH - LABEL_WIDTH - 150;
const BAR_HEIGHT = 14;
const COLORS: Record<string, string> = { node: "#3b7dd8", workerd: "#f38020" };

interface Row {
  label: string;
  bars: Array<{ runtime: string; value: number; text: string }>;
}

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function panel(
  title: string,
  rows: Row[],
  top: number,
  scale: { kind: "log" | "linear"; max: number; marker?: { value: number; text: string } },
): { svg: string; height: number } {
  const position = (value: number) => {
    if (value <= 0) return 0;
    if (scale.kind === "linear") return (value / scale.max) * BAR_AREA;
    return (Math.max(0, Math.log10(value)) / Math.log10(scale.max)) * BAR_AREA;
  };
  const parts = [`<text x="10" y="${top + 16}" class="title">${xml(title)}</text>`];
  let y = top + 30;
  if (scale.kind === "log") {
    for (let tick = 1; tick <= scale.max; tick *= 10) {
      const x = LABEL_WIDTH + position(tick);
      parts.push(`<line x1="${x}" y1="${y}" x2="${x}" y2="${y + rows.length * 40}" class="grid"/>`);
      parts.push(`<text x="${x}" y="${y + rows.length * 40 + 12}" class="tick">${tick.toLocaleString("en-US")}</text>`);
    }
  }
  if (scale.marker) {
    const x = LABEL_WIDTH + position(scale.marker.value);
    parts.push(`<line x1="${x}" y1="${y}" x2="${x}" y2="${y + rows.length * 40}" class="target"/>`);
    parts.push(`<text x="${x + 3}" y="${y - 3}" class="tick">${xml(scale.marker.text)}</text>`);
  }
  for (const row of rows) {
    parts.push(`<text x="10" y="${y + BAR_HEIGHT + 2}" class="label">${xml(row.label)}</text>`);
    row.bars.forEach((bar, i) => {
      const barY = y + i * (BAR_HEIGHT + 3);
      const length = Math.max(1, position(bar.value));
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${barY}" width="${length.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS[bar.runtime] ?? "#888"}"/>`,
        `<text x="${(LABEL_WIDTH + length + 4).toFixed(1)}" y="${barY + BAR_HEIGHT - 3}" class="value">${xml(bar.text)}</text>`,
      );
    });
    y += 40;
  }
  return { svg: parts.join("\n"), height: y - top + 20 };
}

function rowsFor(ids: string[], results: RuntimeResult[], text: (value: number, result: RuntimeResult) => string) {
  return ids.map((id) => {
    const metric = METRICS.find((m) => m.id === id);
    if (!metric) throw new Error(`no metric ${id}`);
    return {
      label: metric.label,
      bars: results.map((result) => {
        const measured = metric.value(result);
        // A phase that was not run, or measured nothing (no delivery arrived), draws no bar and says so.
        if (typeof measured !== "number" || !Number.isFinite(measured)) {
          return { runtime: result.runtime, value: 0, text: "n/a" };
        }
        const base = metric.ratioTo?.(result);
        const ratio = base ? ` (${(measured / base).toFixed(3)}x)` : "";
        return { runtime: result.runtime, value: measured, text: `${text(measured, result)}${ratio}` };
      }),
    };
  });
}

export function chart(results: RuntimeResult[], subtitle: string): string {
  const rates = rowsFor(
    [
      "baseline",
      "get_account_notification",
      "get_account_notification_by_type",
      "sent_notification",
      "e2e_max_notifications",
      "e2e_max_deliveries",
      "e2e_half_deliveries",
    ],
    results,
    (value) => `${Math.round(value).toLocaleString("en-US")}/s`,
  );
  const latencies = rowsFor(["e2e_half_p50", "e2e_half_p95", "e2e_half_p99"], results, (v) => `${v.toFixed(1)} ms`);
  const memory = rowsFor(["peak_memory"], results, (value) => `${value.toFixed(0)} MiB`);
  const highest = (rows: Row[]) => Math.max(1, ...rows.flatMap((row) => row.bars.map((bar) => bar.value)));

  const panels: string[] = [];
  let top = 50;
  for (const [title, rows, scale] of [
    [
      "Throughput, log scale (x = ratio to the runtime's baseline)",
      rates,
      { kind: "log", max: 10 ** Math.ceil(Math.log10(highest(rates))) },
    ],
    [
      "Send-to-delivered latency at half the end-to-end maximum",
      latencies,
      {
        kind: "linear",
        max: Math.max(300, highest(latencies)) * 1.05,
        marker: { value: 250, text: "target p99 250 ms" },
      },
    ],
    ["Peak memory (VmHWM) of the server process", memory, { kind: "linear", max: highest(memory) * 1.1 }],
  ] as const) {
    const drawn = panel(title, rows, top, scale);
    panels.push(drawn.svg);
    top += drawn.height;
  }
  const legend = results
    .map(
      (result, i) =>
        `<rect x="${LABEL_WIDTH + i * 110}" y="28" width="12" height="12" fill="${COLORS[result.runtime] ?? "#888"}"/>` +
        `<text x="${LABEL_WIDTH + i * 110 + 16}" y="38" class="label">${result.runtime}</text>`,
    )
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top}" viewBox="0 0 ${WIDTH} ${top}" font-family="sans-serif">
<style>
.title { font-size: 14px; font-weight: bold; } .label { font-size: 12px; } .value { font-size: 11px; }
.tick { font-size: 10px; fill: #555; } .grid { stroke: #ddd; } .target { stroke: #c00; stroke-dasharray: 4 3; }
</style>
<title>Herald benchmark: ${xml(subtitle)}</title>
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="20" class="title">Herald benchmark: ${xml(subtitle)}</text>
${legend}
${panels.join("\n")}
</svg>
`;
}
