// Reference evaluator for OSM opening_hours: the community's opening_hours.js library.
// Reads {"cases":[{"hours":"…","instants":["2026-11-26T09:00:00Z",…]}]} on stdin and writes, per
// case, either {"error":"…"} or {"results":[{"state":"open|closed|unknown","next":"ISO|null"}]}.
// Run with TZ set to the town's time zone (opening_hours.js evaluates in local time).
const OpeningHours = require("opening_hours");

const nominatim = { lat: 49.72, lon: 5.64, address: { country_code: "be", state: "Wallonie" } };
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { cases } = JSON.parse(input);
  const output = cases.map(({ hours, instants }) => {
    let oh;
    try {
      oh = new OpeningHours(hours, nominatim);
    } catch (error) {
      return { error: String(error).split("\n")[0] };
    }
    return {
      warnings: oh.getWarnings().length,
      results: instants.map((iso) => {
        const at = new Date(iso);
        const stateAt = (t) => (oh.getUnknown(t) ? "unknown" : oh.getState(t) ? "open" : "closed");
        const state = stateAt(at);
        const limit = new Date(at.getTime() + 8 * 24 * 3600 * 1000);
        // The next instant where the state really changes (getNextChange may stop at a boundary
        // where it stays the same, e.g. midnight).
        let next = oh.getNextChange(at, limit);
        for (let i = 0; next && stateAt(next) === state && i < 50; i++) {
          next = oh.getNextChange(next, limit);
        }
        return { state, next: next ? next.toISOString() : null };
      }),
    };
  });
  process.stdout.write(JSON.stringify(output));
});
