import type { AuthorChanges, VersionSummary } from "@tandem/protocol";

/** How a version is named in the list: its label, or why it was made. */
export function versionTitle(version: VersionSummary): string {
  if (version.label !== null) return version.label;
  switch (version.kind) {
    case "before-restore":
      return "Before a restore";
    case "before-revert":
      return "Before undoing changes";
    default:
      return "Automatic version";
  }
}

/**
 * Who a run of text is credited to, for its tooltip: "Written by Ada", or for
 * an accepted suggestion "Written by Ada, accepted by Bo" (`change` is
 * "written", "inserted", "deleted" or "formatted").
 */
export function describeCredit(change: string, author: string, acceptor?: string): string {
  const credit = `${change[0]?.toUpperCase()}${change.slice(1)} by ${author}`;
  return acceptor === undefined ? credit : `${credit}, accepted by ${acceptor}`;
}

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? "" : "s"}`;

/** One person's share of a diff in words: "added 1 paragraph and 5 words, deleted 3 words". */
export function describeChanges(changes: AuthorChanges): string {
  const added = [
    changes.paragraphsAdded > 0 ? plural(changes.paragraphsAdded, "paragraph") : "",
    changes.wordsAdded > 0 ? plural(changes.wordsAdded, "word") : "",
  ].filter(Boolean);
  const deleted = [
    changes.paragraphsDeleted > 0 ? plural(changes.paragraphsDeleted, "paragraph") : "",
    changes.wordsDeleted > 0 ? plural(changes.wordsDeleted, "word") : "",
  ].filter(Boolean);
  const parts = [
    added.length > 0 ? `added ${added.join(" and ")}` : "",
    deleted.length > 0 ? `deleted ${deleted.join(" and ")}` : "",
    changes.formattingChanges > 0 ? `changed formatting (${plural(changes.formattingChanges, "change")})` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "no visible changes";
}

/** Versions (newest first) grouped by the local day they were made on, each day labelled. */
export function byDay(
  versions: readonly VersionSummary[],
  now: Date = new Date(),
): { label: string; versions: VersionSummary[] }[] {
  const dayOf = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  const today = dayOf(now);
  const days: { day: number; label: string; versions: VersionSummary[] }[] = [];
  for (const version of versions) {
    const created = new Date(version.createdAt);
    const day = dayOf(created);
    let group = days.at(-1);
    if (group?.day !== day) {
      const daysAgo = Math.round((today - day) / 86_400_000);
      const label =
        daysAgo === 0
          ? "Today"
          : daysAgo === 1
            ? "Yesterday"
            : created.toLocaleDateString(undefined, {
                weekday: "short",
                day: "numeric",
                month: "short",
                year: "numeric",
              });
      group = { day, label, versions: [] };
      days.push(group);
    }
    group.versions.push(version);
  }
  return days.map(({ label, versions: grouped }) => ({ label, versions: grouped }));
}
