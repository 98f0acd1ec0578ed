// Compiles every contract in src/ with the pinned solc-js and writes artifacts/<Name>.json
// ({ compiler, abi, bytecode }) deterministically. The Rust build never runs this: the
// artifacts are committed, and a test checks they match the sources when node is available.
import solc from "solc";
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";

// `node compile.mjs [OUT_DIR]`: artifacts go to OUT_DIR (default artifacts/).
const outDir = process.argv[2] || "artifacts";

const sources = {};
for (const f of readdirSync("src").filter((f) => f.endsWith(".sol")).sort()) {
  sources[f] = { content: readFileSync(`src/${f}`, "utf8") };
}
const input = {
  language: "Solidity",
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
for (const [file, contracts] of Object.entries(out.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    const artifact = { compiler: solc.version(), source: file, abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
    writeFileSync(`${outDir}/${name}.json`, JSON.stringify(artifact, null, 2) + "\n");
  }
}
console.log(`compiled ${Object.keys(sources).length} sources with solc ${solc.version()}`);
