// node tools/wasm-opt.mjs <file.wasm>...: optimises each file in place for size, the way
// `wasm-opt -Oz --strip-debug --strip-producers` would, in one process (one start-up of
// binaryen instead of one per chunk). binaryen.js 132 comes from the npm registry
// (scripts/setup); Debian's wasm-opt 108 breaks the table the split chunks fill in.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const { default: binaryen } = await import(join(here, 'binaryen', 'index.js'));

const F = binaryen.Features;
// What rustc emits for wasm32-unknown-unknown today.
const features = F.MVP | F.BulkMemory | F.BulkMemoryOpt | F.CallIndirectOverlong |
  F.NontrappingFPToInt | F.SignExt | F.MutableGlobals | F.ReferenceTypes | F.Multivalue;
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
binaryen.setDebugInfo(false);

let before = 0;
let after = 0;
for (const file of process.argv.slice(2)) {
  const input = readFileSync(file);
  const module = binaryen.readBinary(input);
  module.setFeatures(features);
  module.optimize();
  module.runPasses(['strip-debug', 'strip-producers']);
  const output = module.emitBinary();
  module.dispose();
  writeFileSync(file, output);
  before += input.length;
  after += output.length;
}
console.log(`wasm-opt: ${process.argv.length - 2} files, ${before} -> ${after} bytes`);
