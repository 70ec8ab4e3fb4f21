import type { ScenarioOutcome } from "../report/record.js";
import { bulkWriter } from "./bulk-writer.js";
import { coldLoad } from "./cold-load.js";
import type { ScenarioContext } from "./context.js";
import { crowd, presenceAtScale } from "./crowds.js";
import { durability } from "./durability.js";
import { history } from "./history.js";
import { hotDocument } from "./hot-document.js";
import { idle } from "./idle.js";
import { isolation } from "./isolation.js";
import { joinStorm } from "./join-storm.js";
import { manyRooms, saturation } from "./saturation.js";
import { traceReplay } from "./trace-replay.js";

/** A scenario: its title in the report, and how to run it. */
export interface Scenario {
  readonly title: string;
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}

/** Every scenario, in the order (the report keeps it). */
export const scenarios = {
  "hot-document": { title: "1. Hot document: 50 clients, 5 updates/s each, cursors on", run: hotDocument },
  saturation: { title: "2. Hot document saturation: rate raised until p99 passes 10 ms", run: saturation },
  "many-rooms": {
    title: "3. Many rooms: 200 documents × 5 clients, rate raised until p99 passes 10 ms",
    run: manyRooms,
  },
  idle: { title: "4. Idle: 10,000 clients over 1,000 documents", run: idle },
  "join-storm": { title: "5. Join storm: 50 clients join the automerge-paper document at once", run: joinStorm },
  "cold-load": { title: "6. Cold load of the automerge-paper document", run: coldLoad },
  durability: { title: "7. Durability: WAL per edit, and acknowledged edits lost to SIGKILL", run: durability },
  "trace-replay": { title: "8. Trace replay: seph-blog1 typed by 3 clients taking turns", run: traceReplay },
  isolation: {
    title: "9. Isolation: small documents while 20 clients open an 8 MB document at once",
    run: isolation,
  },
  presence: {
    title: "10. Presence at scale: 1,000 clients in one document, each cursor moving once a second",
    run: presenceAtScale,
  },
  crowd: { title: "11. Crowd: 500 people in one document, each typing once a second", run: crowd },
  "bulk-writer": {
    title: "12. Bulk writer: one client replays rustcode in bursts of 400 transactions",
    run: bulkWriter,
  },
  history: {
    title: "13. History: open the history and diff two versions of the automerge-paper document",
    run: history,
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof scenarios;

export const scenarioNames = Object.keys(scenarios) as ScenarioName[];
