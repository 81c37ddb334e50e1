// quickjs.generated.wasm (scripts/generate-jq-engine.mjs) as workerd imports it: a module compiled ahead.
declare const module: WebAssembly.Module;
export default module;
