// OpenTelemetry traces on Node, configured only by the standard OTEL_* variables: with an OTLP endpoint set
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_TRACES_EXPORTER=otlp for the default
// http://localhost:4318), spans go out over OTLP/HTTP (JSON) in batches; otherwise nothing is traced and nothing
// is sent. The tracer is Herald's own, not registered globally, so several runtimes can share a process (tests).

import type { Client } from "@libsql/client";
import { type Context, context, ROOT_CONTEXT, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { formatTraceparent, parseTraceparent } from "../src/lib/trace-context";
import { carrierSpan } from "../src/observability/worker-telemetry";
import type { Span, SpanAttributes, Telemetry } from "../src/ports";

type Variables = Record<string, string | undefined>;

/** A setting the operator fixes: the runtime's start stops with one line naming it. */
export class TracingSettingError extends Error {}

export interface Tracing {
  span: Telemetry["span"];
  /** Wraps a libSQL client so each call is a span of whatever work made it. */
  wrapClient(client: Client): Client;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

/** Tracing as the OTEL_* variables ask, or undefined when they ask for none. */
export function startTracing(vars: Variables, thread: string): Tracing | undefined {
  if (vars.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return undefined;
  const exporterName = vars.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporterName !== undefined && exporterName !== "otlp" && exporterName !== "none")
    throw new TracingSettingError(`OTEL_TRACES_EXPORTER=${exporterName} is not supported; Herald exports otlp or none`);
  const endpoint = tracesEndpoint(vars);
  if (exporterName === "none" || (endpoint === undefined && exporterName !== "otlp")) return undefined;
  const protocol = (vars.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? vars.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (protocol !== undefined && protocol !== "http/json")
    throw new TracingSettingError(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported; Herald sends http/json`);

  // Spans of awaited work find their parent through the async context; set once per thread, as OpenTelemetry's own
  // SDKs do (a second registration is refused, harmlessly).
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new OTLPTraceExporter({
    url: endpoint ?? "http://localhost:4318/v1/traces",
    headers: parseList(vars.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? vars.OTEL_EXPORTER_OTLP_HEADERS, "headers"),
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      "service.name": "herald",
      ...parseList(vars.OTEL_RESOURCE_ATTRIBUTES, "OTEL_RESOURCE_ATTRIBUTES"),
      ...(vars.OTEL_SERVICE_NAME ? { "service.name": vars.OTEL_SERVICE_NAME } : {}),
      "thread.name": thread,
    }),
    sampler: samplerFrom(vars),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        ...(vars.OTEL_BSP_SCHEDULE_DELAY ? { scheduledDelayMillis: Number(vars.OTEL_BSP_SCHEDULE_DELAY) } : {}),
      }),
    ],
  });
  const tracer = provider.getTracer("herald");
  return {
    span: (name, options, work) => runInSpan(tracer, name, options, work),
    wrapClient: (client) => tracedClient(client, tracer),
    shutdown: () => provider.shutdown(),
  };
}

/** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, or OTEL_EXPORTER_OTLP_ENDPOINT with the signal's path (the spec's rule). */
function tracesEndpoint(vars: Variables): string | undefined {
  const traces = vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = vars.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, "")}/v1/traces` : undefined;
}

/** `key=value,key=value` with percent-encoded values (the OTEL_* list format). */
function parseList(value: string | undefined, name: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const part of (value ?? "").split(",")) {
    if (part.trim() === "") continue;
    const at = part.indexOf("=");
    if (at <= 0) throw new TracingSettingError(`${name}: "${part.trim()}" is not key=value`);
    entries[decodeURIComponent(part.slice(0, at).trim())] = decodeURIComponent(part.slice(at + 1).trim());
  }
  return entries;
}

/** OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG; parentbased_always_on by default, as the spec says. */
function samplerFrom(vars: Variables): Sampler {
  const name = vars.OTEL_TRACES_SAMPLER?.trim().toLowerCase() ?? "parentbased_always_on";
  const ratio = () => {
    const value = Number(vars.OTEL_TRACES_SAMPLER_ARG ?? "1");
    if (!(value >= 0 && value <= 1))
      throw new TracingSettingError("OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1");
    return new TraceIdRatioBasedSampler(value);
  };
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return ratio();
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: ratio() });
    default:
      throw new TracingSettingError(`OTEL_TRACES_SAMPLER=${name} is not supported`);
  }
}

/** The context a span starts in: under `parent` when given (a stored or incoming traceparent), else the current one. */
function parentContext(parent: string | null | undefined): Context {
  if (parent === undefined) return context.active();
  const carried = parseTraceparent(parent);
  if (!carried) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: carried.traceId,
    spanId: carried.spanId,
    traceFlags: carried.sampled ? 1 : 0,
    isRemote: true,
  });
}

function runInSpan<T>(
  tracer: Tracer,
  name: string,
  options: { parent?: string | null; attributes?: SpanAttributes },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    name,
    { ...(options.attributes ? { attributes: options.attributes } : {}) },
    parentContext(options.parent),
    async (otelSpan) => {
      const { traceId, spanId, traceFlags } = otelSpan.spanContext();
      const span: Span = {
        traceparent: formatTraceparent({ traceId, spanId, sampled: (traceFlags & 1) === 1 }),
        updateName: (next) => otelSpan.updateName(next),
        setAttributes: (attributes) => otelSpan.setAttributes(attributes),
        fail: (reason) => otelSpan.setStatus({ code: SpanStatusCode.ERROR, message: reason }),
      };
      try {
        return await work(span);
      } catch (error) {
        otelSpan.recordException(error as Error);
        otelSpan.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        otelSpan.end();
      }
    },
  );
}

/** The span methods of a libSQL client worth tracing: each is one round trip to the database. */
const TRACED_CALLS = new Set(["execute", "batch", "executeMultiple", "migrate"]);

/** A libSQL client whose calls are `db.<call>` spans, children of whatever span made them. */
function tracedClient(client: Client, tracer: Tracer): Client {
  return new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof property !== "string" || !TRACED_CALLS.has(property) || typeof value !== "function") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (...args: unknown[]) =>
        runInSpan(
          tracer,
          `db.${property}`,
          { attributes: { "db.system.name": "sqlite", ...statementOf(args[0]) } },
          () => value.apply(target, args),
        );
    },
  });
}

/** The statement a call ran (the first of a batch), cut short: enough to recognise it in a trace. */
function statementOf(argument: unknown): SpanAttributes {
  const first = Array.isArray(argument) ? argument[0] : argument;
  const text = typeof first === "string" ? first : (first as { sql?: unknown } | undefined)?.sql;
  const attributes: SpanAttributes = {};
  if (typeof text === "string") attributes["db.query.text"] = text.slice(0, 300);
  if (Array.isArray(argument)) attributes["db.operation.batch.size"] = argument.length;
  return attributes;
}

/** Telemetry's span without tracing: the trace carried on, nothing recorded. */
export const carryOnly: Telemetry["span"] = async (_name, options, work) => work(carrierSpan(options.parent));
