// The weight and speed budgets of a resident's pages, measured against a running server:
//   node end2end/perf-budget.mjs http://127.0.0.1:3000
// For each page: the HTML, the scripts and WebAssembly it loads and its style sheet, as the
// server sends them to a browser that accepts brotli (and their gzip and raw sizes), then
// Lighthouse (mobile emulation, simulated throttling, Debian's Chromium). Prints a table of
// every figure and exits with 1 when one is over its budget.
import http from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const args = process.argv.slice(2);
const base = args.find((a) => !a.startsWith("--")) ?? "http://127.0.0.1:3000";
// Prints the figures and what is over budget, without failing.
const reportOnly = args.includes("--report-only");
const PAGES = ["/", "/shops/boulangerie-jacob", "/districts/habay-la-neuve-centre", "/feed", "/search?q=boul"];
const BUDGET = {
  script: 150_000, // bytes of JS + WASM, brotli
  css: 20_000, // bytes of CSS, brotli
  html: 60_000, // bytes of HTML, compressed
  performance: 95,
  accessibility: 100,
  "best-practices": 100,
  seo: 100,
  lcp: 2500, // ms
  tbt: 200, // ms
  cls: 0.1,
};

/** The bytes as sent (with `encoding` accepted) and as decoded. */
function fetchBytes(path, encoding) {
  return new Promise((resolve, reject) => {
    const request = http.get(new URL(path, base), { headers: { "accept-encoding": encoding } }, (response) => {
      const chunks = [];
      response.on("data", (c) => chunks.push(c));
      response.on("end", () => {
        const sent = Buffer.concat(chunks);
        const coding = response.headers["content-encoding"];
        const body = coding === "br" ? brotliDecompressSync(sent) : coding === "gzip" ? gunzipSync(sent) : sent;
        resolve({ status: response.statusCode, sent: sent.length, raw: body.length, coding: coding ?? "identity", body, headers: response.headers });
      });
    });
    request.on("error", reject);
  });
}

async function sizes(path) {
  const [br, gzip] = await Promise.all([fetchBytes(path, "br"), fetchBytes(path, "gzip")]);
  if (br.status !== 200) throw new Error(`${path}: HTTP ${br.status}`);
  return { br: br.sent, gzip: gzip.sent, raw: br.raw, coding: br.coding, body: br.body, headers: br.headers };
}

/** What the page loads: scripts (and the WebAssembly the island loader fetches) and styles. */
function assetsOf(html) {
  const scripts = new Set();
  const styles = new Set();
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const attr = (name) => tag.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
    if (tag.startsWith("<script") && attr("src")) scripts.add(attr("src"));
    if (tag.startsWith("<link")) {
      const rel = attr("rel");
      const href = attr("href");
      if (!href) continue;
      if (rel === "stylesheet") styles.add(href);
      if (rel === "modulepreload" || (rel === "preload" && /\.(wasm|js)$/.test(href))) scripts.add(href);
    }
  }
  return { scripts: [...scripts], styles: [...styles] };
}

const kb = (n) => (n / 1000).toFixed(1);
const rows = [];
const failures = [];
const check = (page, what, value, ok) => {
  if (!ok) failures.push(`${page}: ${what} = ${value}`);
};

for (const path of PAGES) {
  const html = await sizes(path);
  const { styles } = assetsOf(html.body.toString("utf8"));
  const css = { br: 0, raw: 0 };
  for (const url of styles) {
    const s = await sizes(url);
    css.br += s.br;
    css.raw += s.raw;
  }
  rows.push({ path, html, css });
  check(path, "CSS brotli bytes", css.br, css.br <= BUDGET.css);
  check(path, "HTML compressed bytes", html.br, html.br <= BUDGET.html && html.coding !== "identity");
}

// Lighthouse: each page once; a page with a figure over budget is measured four more times and
// judged on the median of the five (Lighthouse's own advice for variance: on this shared 2-core
// machine, a burst of load once put two runs of three over the TBT budget that the same build
// met by a factor of three a minute later).
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage"],
});
async function audit(path) {
  const result = await lighthouse(new URL(path, base).href, {
    port: chrome.port,
    output: "json",
    logLevel: "error",
    onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
  });
  const lhr = result.lhr;
  const score = (c) => Math.round((lhr.categories[c].score ?? 0) * 100);
  const failed = (c) =>
    Object.values(lhr.audits)
      .filter((a) => lhr.categories[c].auditRefs.some((r) => r.id === a.id && r.weight > 0) && a.score !== null && a.score < 1)
      .map((a) => a.id);
  return {
    performance: score("performance"),
    accessibility: score("accessibility"),
    "best-practices": score("best-practices"),
    seo: score("seo"),
    lcp: lhr.audits["largest-contentful-paint"].numericValue,
    tbt: lhr.audits["total-blocking-time"].numericValue,
    cls: lhr.audits["cumulative-layout-shift"].numericValue,
    transferred: lhr.audits["total-byte-weight"].numericValue,
    // What the page really loaded (the island loader fetches the WebAssembly of its islands).
    loaded: (lhr.audits["network-requests"].details?.items ?? [])
      .map((item) => new URL(item.url))
      .filter((url) => url.origin === new URL(base).origin && /\.(js|mjs|wasm)$/.test(url.pathname))
      .map((url) => url.pathname),
    notes: ["accessibility", "best-practices", "seo"].flatMap((c) => failed(c).map((id) => `${c}:${id}`)),
  };
}
const withinBudget = (r) =>
  r.performance >= BUDGET.performance &&
  r.accessibility >= BUDGET.accessibility &&
  r["best-practices"] >= BUDGET["best-practices"] &&
  r.seo >= BUDGET.seo &&
  r.lcp <= BUDGET.lcp &&
  r.tbt <= BUDGET.tbt &&
  r.cls <= BUDGET.cls;
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
try {
  for (const row of rows) {
    let result = await audit(row.path);
    if (!withinBudget(result)) {
      const runs = [result];
      for (let i = 0; i < 4; i++) runs.push(await audit(row.path));
      result = { ...runs[0] };
      for (const key of ["performance", "accessibility", "best-practices", "seo", "lcp", "tbt", "cls"]) {
        result[key] = median(runs.map((r) => r[key]));
      }
    }
    row.lighthouse = result;
    // JS + WASM: every script and WebAssembly file the page loaded, as sent with brotli.
    row.total = { br: 0, gzip: 0, raw: 0 };
    for (const url of new Set(result.loaded)) {
      const s = await sizes(url);
      row.total.br += s.br;
      row.total.gzip += s.gzip;
      row.total.raw += s.raw;
    }
    row.files = new Set(result.loaded).size;
    check(row.path, "JS+WASM brotli bytes", row.total.br, row.total.br <= BUDGET.script);
    for (const key of ["performance", "accessibility", "best-practices", "seo"]) {
      check(row.path, `Lighthouse ${key}`, result[key], result[key] >= BUDGET[key]);
    }
    check(row.path, "LCP ms", Math.round(result.lcp), result.lcp <= BUDGET.lcp);
    check(row.path, "TBT ms", Math.round(result.tbt), result.tbt <= BUDGET.tbt);
    check(row.path, "CLS", result.cls.toFixed(3), result.cls <= BUDGET.cls);
    if (result.notes.length) console.log(`${row.path}: audits not passed: ${result.notes.join(", ")}`);
  }
} finally {
  await chrome.kill();
}

console.log("");
console.log("| page | HTML raw / gzip / br (KB) | JS+WASM raw / gzip / br (KB, files) | CSS br (KB) | perf | a11y | best pr. | SEO | LCP | TBT | CLS |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const { path, html, total, files, css, lighthouse: l } of rows) {
  console.log(
    `| \`${path}\` | ${kb(html.raw)} / ${kb(html.gzip)} / ${kb(html.br)} | ${kb(total.raw)} / ${kb(total.gzip)} / ${kb(total.br)} (${files}) | ${kb(css.br)} | ` +
      `${l.performance} | ${l.accessibility} | ${l["best-practices"]} | ${l.seo} | ${(l.lcp / 1000).toFixed(1)} s | ${Math.round(l.tbt)} ms | ${l.cls.toFixed(3)} |`,
  );
}
console.log("");
console.log(`Budgets: JS+WASM ≤ ${kb(BUDGET.script)} KB brotli, CSS ≤ ${kb(BUDGET.css)} KB, HTML ≤ ${kb(BUDGET.html)} KB compressed; ` +
  `Lighthouse ≥ ${BUDGET.performance}/${BUDGET.accessibility}/${BUDGET["best-practices"]}/${BUDGET.seo}, LCP ≤ ${BUDGET.lcp / 1000} s, TBT ≤ ${BUDGET.tbt} ms, CLS ≤ ${BUDGET.cls}.`);
if (failures.length) {
  console.error(`\nOver budget${reportOnly ? " (report only)" : ""}:\n  ${failures.join("\n  ")}`);
  process.exit(reportOnly ? 0 : 1);
}
console.log("Every page is within its budgets.");
