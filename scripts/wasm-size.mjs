// Prints the size of the built front end: raw, gzip and brotli (what a phone downloads).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2] ?? "target/site/pkg";
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const name of readdirSync(dir).filter((n) => /\.(wasm|js|css)$/.test(n)).sort()) {
  const bytes = readFileSync(join(dir, name));
  const gzip = gzipSync(bytes, { level: 9 }).length;
  const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`${name.padEnd(24)} raw ${kib(bytes.length).padStart(11)}  gzip ${kib(gzip).padStart(10)}  brotli ${kib(brotli).padStart(10)}`);
}
