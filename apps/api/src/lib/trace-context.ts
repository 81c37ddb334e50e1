// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header that carries a trace from a
// producer's request through Herald to the targets it calls.

export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** 16 lowercase hex digits, not all zero. */
  spanId: string;
  /** The recorded ("sampled") flag: the caller keeps this trace. */
  sampled: boolean;
}

// Version 00's shape; a later version may append fields after the flags, which a version-00 reader ignores.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The context a `traceparent` header carries, or undefined for one that is malformed (then a new trace starts). */
export function parseTraceparent(header: string | null | undefined): TraceContext | undefined {
  const match = header === null || header === undefined ? null : TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? "01" : "00"}`;
}

/** A child of `parent` (same trace, a new span id), or the root of a new, unsampled trace. */
export function childContext(parent: TraceContext | undefined): TraceContext {
  return parent
    ? { traceId: parent.traceId, spanId: randomHex(8), sampled: parent.sampled }
    : { traceId: randomHex(16), spanId: randomHex(8), sampled: false };
}

function randomHex(bytes: number): string {
  for (;;) {
    const hex = Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join(
      "",
    );
    if (!/^0+$/.test(hex)) return hex;
  }
}
