import type { Schemas } from "@herald/client";
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { STATUS_COLORS, STATUS_ORDER, STATUS_WORDS } from "../statuses";

type Hour = Schemas["Hourly-Deliveries"];

/**
 * Legs per hour by status as stacked bars (uPlot, canvas). uPlot has no stacking of its own: each status is drawn as
 * the running sum up to it, the tallest first, so every shorter bar covers the bottom of the one behind it. The canvas
 * is an image to assistive technology, named by `label`; the page has the numbers as text and as a table.
 */
export default function HourlyChart({ hours, label }: { hours: Hour[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const x = hours.map((hour) => hour.hour + 1800);
    // Running sums bottom-up, then drawn top-down.
    const sums: number[][] = [];
    let running = hours.map(() => 0);
    for (const status of STATUS_ORDER) {
      running = running.map((sum, i) => sum + (hours[i]?.[status] ?? 0));
      sums.push(running);
    }
    const drawn = STATUS_ORDER.map((status, i) => ({ status, values: sums[i] ?? [] })).reverse();
    const bars = uPlot.paths.bars?.({ size: [0.8, 40] });
    const chart = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 240,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          // Half an hour either side, so the first and last bars are whole.
          x: { time: true, range: (_u, min, max) => [min - 1800, max + 1800] },
          y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
        },
        axes: [{}, { size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] }],
        series: [
          {},
          ...drawn.map(({ status }) => ({
            label: STATUS_WORDS[status],
            stroke: STATUS_COLORS[status],
            fill: STATUS_COLORS[status],
            width: 0,
            points: { show: false },
            paths: bars,
          })),
        ],
      },
      [x, ...drawn.map(({ values }) => values)],
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: 240 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [hours]);
  return <div ref={box} className="chart" role="img" aria-label={label} />;
}
