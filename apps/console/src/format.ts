import { isHeraldError } from "@herald/client";

/** Unix seconds or ms (Herald answers both) as a local date and time. */
export function formatTime(value: number | string | undefined): string {
  if (value === undefined || value === "") return "–";
  const number = typeof value === "string" ? Date.parse(value) : value < 1e11 ? value * 1000 : value;
  return Number.isFinite(number) ? new Date(number).toLocaleString() : String(value);
}

export function errorText(error: unknown): string {
  if (isHeraldError(error)) {
    const details = Array.isArray(error.body.details) ? error.body.details.join("; ") : error.body.details;
    return `${error.status} ${error.code}${details ? `: ${details}` : ""}`;
  }
  return error instanceof Error ? error.message : String(error);
}
