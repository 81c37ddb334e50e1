// jq programs are tenant code. They run in a JavaScript jq (@michaelhomer/jqjs, with the fixes in patches/) inside a
// QuickJS WebAssembly sandbox, so the limits are the sandbox's and hold whatever the interpreter does: a memory limit
// and a stack limit per run, an interrupt handler that stops a run past its budget, and the output size checked
// before it leaves. Every run gets a fresh QuickJS runtime: nothing of one run (or one tenant) is there for the next.
// The engine loads on first use (dynamic import), so requests that never convert do not pay for it.
import type { QuickJSWASMModule } from "quickjs-emscripten-core";

export interface JqLimits {
  /** Wall-clock milliseconds per run, where the clock moves during a run (Node; workerd's clock stands still). */
  timeMs: number;
  /**
   * Interrupt checks per run: QuickJS asks the handler every few thousand instructions, so this bounds the work on
   * every runtime, workerd included. Between about 1,500 and 5,000 checks are one second of busy work here, as the
   * program allocates more or less between checks.
   */
  interruptChecks: number;
  /** Bytes the sandbox may allocate in one run, the engine's own (under 1 MiB) included. */
  memoryBytes: number;
  /** Bytes of QuickJS stack: deep recursion ends here, well before the host's own stack. */
  stackBytes: number;
  /** The largest output (UTF-8 bytes). */
  outputBytes: number;
}

export const JQ_LIMITS: JqLimits = {
  timeMs: 250,
  interruptChecks: 1_000,
  memoryBytes: 24 * 1024 * 1024,
  stackBytes: 128 * 1024,
  outputBytes: 262_144,
};

export type JqRun = { ok: true; body: string } | { ok: false; reason: string; limit?: "time" | "memory" | "stack" };

let loading: Promise<QuickJSWASMModule> | undefined;
let engineSource: Promise<string> | undefined;

// workerd may not compile WebAssembly from bytes at run time: there the module comes in as an import wrangler (and
// vitest-pool-workers) compile ahead, a copy of the package's file (scripts/generate-jq-engine.mjs). Node reads the
// package's file itself.
function quickjs(): Promise<QuickJSWASMModule> {
  loading ??= (async () => {
    const [core, variant] = await Promise.all([
      import("quickjs-emscripten-core"),
      import("@jitl/quickjs-wasmfile-release-sync").then((module) => module.default),
    ]);
    if ((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === "Cloudflare-Workers") {
      const wasmModule = (await import("./quickjs.generated.wasm")).default;
      return core.newQuickJSWASMModuleFromVariant(core.newVariant(variant, { wasmModule }));
    }
    return core.newQuickJSWASMModuleFromVariant(variant);
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

function engine(): Promise<string> {
  engineSource ??= import("./engine-source.generated").then((module) => module.JQ_ENGINE_SOURCE);
  return engineSource;
}

// Runs inside the sandbox: compiles the program, and with an input runs it, answering one JSON text.
const RUNNER = `(program, input, maxChars) => {
  if (input === undefined) {
    heraldJq.check(program);
    return JSON.stringify({ compiled: true });
  }
  const filter = heraldJq.compile(program);
  const results = [];
  let chars = 0;
  for (const value of filter(JSON.parse(input))) {
    const text = JSON.stringify(value);
    chars += text.length;
    if (chars > maxChars) return JSON.stringify({ tooLarge: chars });
    results.push(text);
  }
  return JSON.stringify({ results });
}`;

// jqjs's messages quote the data they fail on: the attempts log keeps the start.
const MAX_ERROR_LENGTH = 500;

/** The text of an error thrown inside the sandbox: jqjs throws strings as well as Error objects. */
function errorText(error: unknown): string {
  let text: string;
  if (typeof error === "string") text = error;
  else if (error && typeof error === "object" && "message" in error)
    text = String((error as { message: unknown }).message);
  else text = JSON.stringify(error) ?? String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

function limitReached(text: string, overTime: boolean, limits: JqLimits): JqRun | undefined {
  if (overTime || text === "interrupted")
    return {
      ok: false,
      limit: "time",
      reason: `the jq program ran past its time limit (${limits.timeMs} ms, or ${limits.interruptChecks} interrupt checks) and was stopped`,
    };
  if (text === "out of memory")
    return {
      ok: false,
      limit: "memory",
      reason: `the jq program used more than its memory limit (${limits.memoryBytes / 1024 / 1024} MiB) and was stopped`,
    };
  if (text === "stack overflow" || /call stack/i.test(text))
    return {
      ok: false,
      limit: "stack",
      reason: `the jq program recursed deeper than its stack limit (${limits.stackBytes / 1024} KiB) and was stopped`,
    };
  return undefined;
}

/**
 * Compiles `program` and, given an input document (JSON text), runs it within `limits`. The answer is the one value
 * the program produced, as JSON, or why there is none (a compile or run error, a limit reached, no or several values).
 */
export async function runJq(program: string, input: string | undefined, limits: JqLimits = JQ_LIMITS): Promise<JqRun> {
  const [module, source] = await Promise.all([quickjs(), engine()]);
  const runtime = module.newRuntime();
  let broken = false;
  try {
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.stackBytes);
    const context = runtime.newContext();
    try {
      const loaded = context.evalCode(source, "jq-engine.js");
      if (loaded.error) {
        const text = errorText(context.dump(loaded.error));
        loaded.error.dispose();
        throw new Error(`the jq engine did not load: ${text}`);
      }
      loaded.value.dispose();

      // The budget starts after the engine is in: it is the program's alone.
      let checks = 0;
      let overTime = false;
      const started = Date.now();
      runtime.setInterruptHandler(() => {
        checks += 1;
        overTime = checks > limits.interruptChecks || Date.now() - started > limits.timeMs;
        return overTime;
      });
      const call =
        `(${RUNNER})(${JSON.stringify(program)}, ` +
        `${input === undefined ? "undefined" : JSON.stringify(input)}, ${limits.outputBytes})`;
      const result = context.evalCode(call, "run.js");
      if (result.error) {
        const text = errorText(context.dump(result.error));
        result.error.dispose();
        return limitReached(text, overTime, limits) ?? { ok: false, reason: text };
      }
      // jqjs's `?` and `//` let the engine's own errors through (patches/); should a path swallow the interruption
      // all the same, a run past its budget still fails.
      if (overTime) {
        result.value.dispose();
        return limitReached("interrupted", true, limits) as JqRun;
      }
      const answer = JSON.parse(context.getString(result.value)) as {
        compiled?: true;
        tooLarge?: number;
        results?: string[];
      };
      result.value.dispose();
      if (answer.compiled) return { ok: true, body: "" };
      if (answer.tooLarge !== undefined)
        return { ok: false, reason: `the converted body is over ${limits.outputBytes} bytes; not sent` };
      const results = answer.results ?? [];
      if (results.length !== 1)
        return {
          ok: false,
          reason:
            results.length === 0
              ? "the jq program produced no value (a body is one JSON value)"
              : `the jq program produced ${results.length} values; a body is one JSON value (collect them with [...])`,
        };
      const body = results[0] as string;
      if (new TextEncoder().encode(body).length > limits.outputBytes)
        return { ok: false, reason: `the converted body is over ${limits.outputBytes} bytes; not sent` };
      return { ok: true, body };
    } finally {
      try {
        context.dispose();
      } catch {
        broken = true;
      }
    }
  } catch (error) {
    // The host's own stack gave out inside the WebAssembly: the sandbox is stopped, the run failed on its stack.
    if (error instanceof RangeError) {
      broken = true;
      return limitReached(error.message, false, limits) ?? { ok: false, reason: error.message };
    }
    throw error;
  } finally {
    try {
      runtime.dispose();
    } catch {
      broken = true;
    }
    // A runtime that could not be freed cleanly may have left the WebAssembly instance in a bad state: the next run
    // starts from a new one.
    if (broken) loading = undefined;
  }
}
