// Validates Istio resources (networking.istio.io, security.istio.io, ...) in YAML files.
//   node validate_istio.mjs FILE...        (DEPLOY_TOOLS_NODE = folder holding node_modules)
// Two layers, both from @kubernetes-models/istio (generated from Istio's CRDs):
//  1. the package's JSON-schema validator: types, enums, required fields, oneOf;
//  2. unknown fields: the CRD schemas accept any extra key (the API server would prune it silently), so
//     the field names allowed at each path are read from the package's TypeScript declarations and any
//     other key is an error, like `kubectl apply --validate=strict` against a live cluster.
// Exit code 1 with one line per problem: "<file>: <Kind>/<name>: <path>: <message>".
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const base = resolve(process.env.DEPLOY_TOOLS_NODE || process.cwd());
const require = createRequire(join(base, "package.json"));
const yaml = require("js-yaml");
const modelsRoot = join(base, "node_modules", "@kubernetes-models", "istio");

// --- a small parser for the declaration types: object literals, unions, intersections, generics -----
function tokenize(text) {
  const tokens = [];
  const re = /\s+|\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\]|\\.)*"|[A-Za-z_$][\w$.]*|\d+(?:\.\d+)?|[{}()<>\[\];:?|&,=]/g;
  let match;
  while ((match = re.exec(text))) {
    const t = match[0];
    if (/^\s|^\/[*/]/.test(t)) continue;
    tokens.push(t);
  }
  return tokens;
}

// A shape is {keys: Map(name -> shape), open: bool}; open means any key is allowed (maps, metadata).
const leaf = () => ({ keys: new Map(), open: false, leaf: true });
function merge(a, b) {
  if (a.leaf && !b.leaf) return b;
  if (b.leaf && !a.leaf) return a;
  const out = { keys: new Map(a.keys), open: a.open || b.open, leaf: a.leaf && b.leaf };
  for (const [k, v] of b.keys) out.keys.set(k, out.keys.has(k) ? merge(out.keys.get(k), v) : v);
  return out;
}

function parseType(tokens, pos) {
  let [shape, p] = parseIntersection(tokens, pos);
  while (tokens[p] === "|") {
    let next;
    [next, p] = parseIntersection(tokens, p + 1);
    shape = merge(shape, next);
  }
  return [shape, p];
}
function parseIntersection(tokens, pos) {
  let [shape, p] = parsePostfix(tokens, pos);
  while (tokens[p] === "&") {
    let next;
    [next, p] = parsePostfix(tokens, p + 1);
    shape = merge(shape, next);
  }
  return [shape, p];
}
function parsePostfix(tokens, pos) {
  let [shape, p] = parsePrimary(tokens, pos);
  while (tokens[p] === "[" && tokens[p + 1] === "]") p += 2;
  return [shape, p];
}
function parsePrimary(tokens, pos) {
  const t = tokens[pos];
  if (t === "{") return parseObject(tokens, pos);
  if (t === "(") {
    const [shape, p] = parseType(tokens, pos + 1);
    return [shape, p + 1]; // ")"
  }
  if (/^[A-Za-z_$]/.test(t)) {
    let p = pos + 1;
    const args = [];
    if (tokens[p] === "<") {
      p += 1;
      for (;;) {
        let arg;
        [arg, p] = parseType(tokens, p);
        args.push(arg);
        if (tokens[p] === ",") p += 1;
        else break;
      }
      p += 1; // ">"
    }
    if (t === "Array" || t === "Exclude") return [args[0], p];
    if (["string", "number", "boolean", "null", "undefined", "true", "false"].includes(t)) return [leaf(), p];
    return [{ keys: new Map(), open: true, leaf: false }, p]; // named types (IObjectMeta, Record...): open
  }
  return [leaf(), pos + 1]; // string or number literal
}
function parseObject(tokens, pos) {
  const shape = { keys: new Map(), open: false, leaf: false };
  let p = pos + 1;
  while (tokens[p] !== "}") {
    if (tokens[p] === "[") {
      // index signature: [key: string]: T
      while (tokens[p] !== "]") p += 1;
      p += 2; // "]" ":"
      [, p] = parseType(tokens, p);
      shape.open = true;
    } else {
      const name = tokens[p].startsWith('"') ? JSON.parse(tokens[p]) : tokens[p];
      p += 1;
      if (tokens[p] === "?") p += 1;
      p += 1; // ":"
      let child;
      [child, p] = parseType(tokens, p);
      shape.keys.set(name, shape.keys.has(name) ? merge(shape.keys.get(name), child) : child);
    }
    if (tokens[p] === ";" || tokens[p] === ",") p += 1;
  }
  return [shape, p + 1];
}

function interfaceShape(dtsText, kind) {
  const start = dtsText.indexOf(`export interface I${kind} {`);
  if (start < 0) throw new Error(`no interface I${kind}`);
  const tokens = tokenize(dtsText.slice(start + `export interface I${kind} `.length));
  return parseObject(tokens, 0)[0];
}

function unknownFields(value, shape, path, problems) {
  if (value === null || typeof value !== "object" || !shape || shape.leaf) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => unknownFields(item, shape, `${path}[${i}]`, problems));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (shape.keys.has(key)) unknownFields(child, shape.keys.get(key), `${path}.${key}`, problems);
    else if (!shape.open) problems.push(`${path}.${key}: unknown field "${key}"`);
  }
}

// --- validation ----------------------------------------------------------------------------------------
const cache = new Map();
async function modelFor(apiVersion, kind) {
  const id = `${apiVersion}/${kind}`;
  if (!cache.has(id)) {
    const file = join(modelsRoot, apiVersion, `${kind}.js`);
    if (!existsSync(file)) {
      cache.set(id, null);
    } else {
      const module = await import(pathToFileURL(file).href);
      const shape = interfaceShape(readFileSync(join(modelsRoot, apiVersion, `${kind}.d.ts`), "utf8"), kind);
      cache.set(id, { Model: module[kind], shape });
    }
  }
  return cache.get(id);
}

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const docs = yaml.loadAll(readFileSync(file, "utf8")).filter(Boolean);
  for (const doc of docs) {
    const where = `${file}: ${doc.kind}/${doc.metadata?.name ?? "?"}`;
    if (!/\.istio\.io\//.test(doc.apiVersion ?? "")) continue;
    const model = await modelFor(doc.apiVersion, doc.kind);
    if (!model) {
      console.log(`${where}: unknown Istio kind ${doc.apiVersion} ${doc.kind}`);
      failures += 1;
      continue;
    }
    checked += 1;
    const problems = [];
    try {
      new model.Model(doc).validate();
    } catch (error) {
      for (const e of error.errors ?? [{ instancePath: "", message: error.message }]) {
        problems.push(`${e.instancePath || "/"}: ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`);
      }
    }
    unknownFields({ spec: doc.spec }, model.shape, "", problems);
    for (const problem of problems) console.log(`${where}: ${problem}`);
    failures += problems.length;
  }
}
console.log(`istio: ${checked} resources checked, ${failures} problems`);
process.exit(failures ? 1 : 0);
