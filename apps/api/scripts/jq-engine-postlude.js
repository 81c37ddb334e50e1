// Evaluated in the jq sandbox after jqjs (scripts/generate-jq-engine.mjs). jqjs looks functions up when a call runs;
// jq refuses an unknown function when it compiles. `check` does what jq does, by walking the program and the bodies of
// the functions it defines (jqjs registers a `def` while parsing), so saving names the problem.
const builtinFunctions = new Set(Object.values(functions));
const defineUserFunction = makeUserFuncFromNode;
makeUserFuncFromNode = (params, node, pathFunc) => {
  const made = defineUserFunction(params, node, pathFunc);
  made.body = node;
  made.paramNames = Array.from(params);
  return made;
};

function unknownFunction(root) {
  const seen = new Set();
  const parameters = new Set();
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    if (node instanceof FunctionCall && !parameters.has(node.name)) {
      const found = functions[node.name];
      if (!found) return node.name;
      if (!builtinFunctions.has(found) && found.body) {
        for (const name of found.paramNames) parameters.add(`${name}/0`);
        pending.push(found.body);
      }
    }
    for (const value of Object.values(node)) if (value !== null && typeof value === "object") pending.push(value);
  }
  // Parameters are collected as the walk reaches their functions: a call met before its parameter was known is
  // looked at again.
  for (const node of seen)
    if (node instanceof FunctionCall && !functions[node.name] && !parameters.has(node.name)) return node.name;
  return undefined;
}

// The engine's interface to the sandbox; the generator makes it the IIFE's value.
// biome-ignore lint/correctness/noUnusedVariables: the generator returns it from the engine script
function heraldEngine() {
  return {
    compile,
    check(program) {
      const filter = compile(program);
      const unknown = unknownFunction(filter.ast);
      if (unknown) throw `no such function ${unknown}`;
      return filter;
    },
  };
}
