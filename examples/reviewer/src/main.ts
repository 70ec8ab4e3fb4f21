// Reviews one spec: `node src/main.ts spec/k3x9q2m7pd`, with TANDEM_URL and REVIEWER_TOKEN set (see README.md).
import { runReviewer } from "./run.ts";

const document = process.argv[2];
const url = process.env.TANDEM_URL ?? "ws://localhost:1234/collab";
const token = process.env.REVIEWER_TOKEN;
if (!document || !token) {
  process.stderr.write("usage: REVIEWER_TOKEN=… [TANDEM_URL=ws://host/collab] node src/main.ts <document name>\n");
  process.exit(2);
}

try {
  const { findings } = await runReviewer({ url, token, document });
  const counts = { comment: 0, suggestion: 0 };
  for (const finding of findings) counts[finding.kind === "comment" ? "comment" : "suggestion"]++;
  process.stdout.write(`reviewed ${document}: ${counts.suggestion} suggestions, ${counts.comment} comments\n`);
} catch (error) {
  process.stderr.write(`reviewer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
