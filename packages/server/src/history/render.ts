import type { AuthorChanges, ChangeKind, ContentMark, ContentNode, ContentText } from "@tandem/protocol";
import type * as Y from "yjs";
import type { CharStep, ContentAlignment, NodeStep } from "./align.js";
import type { Marks, TreeChar, TreeElement, TreeNode } from "./content-tree.js";
import { changedKeys, stableJson } from "./values.js";

/** Who inserted, and who deleted, an item; null when unknown. */
export interface AuthorLookup {
  insertedBy(id: Y.ID): string | null;
  deletedBy(id: Y.ID): string | null;
  /** Who accepted the suggestion whose change inserted or deleted the item; null for anything else. */
  acceptedBy?(id: Y.ID, change: "inserted" | "deleted"): string | null;
}

/** Who a run of text is credited to: its author, and who accepted it when it was a suggestion. */
export interface Credit {
  readonly author: string | null;
  readonly acceptedBy?: string;
}

// The blocks a summary counts as paragraphs: the schema's text blocks.
const PARAGRAPHS = new Set(["paragraph", "heading", "codeBlock"]);

const WORDS = /[\p{L}\p{N}_]+/gu;

const wordsIn = (text: string) => text.match(WORDS)?.length ?? 0;

/**
 * ProseMirror marks from y-tiptap's text attributes: each mark is an
 * attribute named after it (`name--hash` when several of one type overlap)
 * whose value is the mark's attributes.
 */
function marksOf(values: Readonly<Record<string, unknown>>): ContentMark[] | undefined {
  // Sorted: marks are a set, and their attribute order depends on the order they were applied in.
  const entries = Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const marks = entries.map(([key, attrs]): ContentMark => {
    const type = key.split("--")[0] ?? key;
    const hasAttrs = typeof attrs === "object" && attrs !== null && Object.keys(attrs).length > 0;
    return hasAttrs ? { type, attrs: attrs as Record<string, unknown> } : { type };
  });
  return marks.length > 0 ? marks : undefined;
}

function textRun(text: string, view: CharView): ContentText {
  const pmMarks = marksOf(view.char.marks.values);
  return {
    type: "text",
    text,
    ...(pmMarks ? { marks: pmMarks } : {}),
    ...(view.change ? { change: view.change } : {}),
    ...(view.author !== undefined ? { author: view.author } : {}),
    ...(view.acceptedBy !== undefined ? { acceptedBy: view.acceptedBy } : {}),
  };
}

/** A character and what the diff says of it. */
interface CharView extends Partial<Credit> {
  readonly char: TreeChar;
  readonly change?: ChangeKind;
}

// Formatting compared by value: the same marks set by different format items are different objects.
const marksKeys = new WeakMap<Marks, string>();
function marksKey(marks: Marks): string {
  let key = marksKeys.get(marks);
  if (key === undefined) {
    key = stableJson(marks.values);
    marksKeys.set(marks, key);
  }
  return key;
}

/** Consecutive characters with the same formatting, change and author, as one text run each. */
function runs(chars: readonly CharView[]): ContentText[] {
  const out: { text: string; view: CharView }[] = [];
  for (const view of chars) {
    const last = out.at(-1);
    if (
      last &&
      (last.view.char.marks === view.char.marks || marksKey(last.view.char.marks) === marksKey(view.char.marks)) &&
      last.view.change === view.change &&
      last.view.author === view.author &&
      last.view.acceptedBy === view.acceptedBy
    ) {
      last.text += view.char.text;
    } else {
      out.push({ text: view.char.text, view });
    }
  }
  return out.map(({ text, view }) => textRun(text, view));
}

/** Counts one diff's changes per author. */
class Tally {
  private readonly byAuthor = new Map<string | null, Omit<AuthorChanges, "author">>();

  add(author: string | null, key: keyof Omit<AuthorChanges, "author">, count: number): void {
    if (count === 0) return;
    const entry = this.byAuthor.get(author) ?? {
      paragraphsAdded: 0,
      paragraphsDeleted: 0,
      wordsAdded: 0,
      wordsDeleted: 0,
      formattingChanges: 0,
    };
    this.byAuthor.set(author, { ...entry, [key]: entry[key] + count });
  }

  /** Most changes first; ties by author id. */
  summary(): AuthorChanges[] {
    const total = (changes: Omit<AuthorChanges, "author">) =>
      changes.paragraphsAdded +
      changes.paragraphsDeleted +
      changes.wordsAdded +
      changes.wordsDeleted +
      changes.formattingChanges;
    return [...this.byAuthor]
      .map(([author, changes]) => ({ author, ...changes }))
      .sort((a, b) => total(b) - total(a) || String(a.author).localeCompare(String(b.author)));
  }
}

/** Renders what the diff says of a run of characters, and counts the words of inserted and deleted text. */
class DiffRenderer {
  readonly tally = new Tally();
  /** Everyone who accepted a suggestion whose change is in the diff. */
  readonly acceptors = new Set<string>();

  constructor(private readonly lookup: AuthorLookup) {}

  /** Who inserted or deleted an item, and who accepted it when it was a suggestion. */
  private creditOf(id: Y.ID, change: "inserted" | "deleted"): Credit {
    const author = change === "inserted" ? this.lookup.insertedBy(id) : this.lookup.deletedBy(id);
    const acceptedBy = author === null ? null : (this.lookup.acceptedBy?.(id, change) ?? null);
    if (acceptedBy === null) return { author };
    this.acceptors.add(acceptedBy);
    return { author, acceptedBy };
  }

  chars(steps: readonly CharStep[]): ContentText[] {
    const views = steps.map((step): CharView => {
      if (step.op === "insert")
        return { char: step.new, change: "inserted", ...this.creditOf(step.new.id, "inserted") };
      if (step.op === "delete") return { char: step.old, change: "deleted", ...this.creditOf(step.old.id, "deleted") };
      const changed = changedKeys(step.old.marks.values, step.new.marks.values);
      if (changed.length === 0) return { char: step.new };
      return { char: step.new, change: "formatted", ...this.formattedBy(step.old.marks, step.new.marks, changed) };
    });
    const rendered = runs(views);
    for (const run of rendered) {
      const author = run.author ?? null;
      if (run.change === "inserted") this.tally.add(author, "wordsAdded", wordsIn(run.text));
      if (run.change === "deleted") this.tally.add(author, "wordsDeleted", wordsIn(run.text));
      if (run.change === "formatted") this.tally.add(author, "formattingChanges", [...run.text].length);
    }
    return rendered;
  }

  /** Whoever set the new formatting, or else removed the old. */
  private formattedBy(old: Marks, next: Marks, keys: readonly string[]): Credit {
    for (const key of keys) {
      const set = next.sources[key];
      const setter = set ? this.creditOf(set, "inserted") : undefined;
      if (setter && setter.author !== null) return setter;
      const removed = old.sources[key];
      const remover = removed ? this.creditOf(removed, "deleted") : undefined;
      if (remover && remover.author !== null) return remover;
    }
    return { author: null };
  }

  /** A whole node only one side has, every run of it marked with the change. */
  whole(node: TreeNode, change: "inserted" | "deleted"): (ContentNode | ContentText)[] {
    const by = (id: Y.ID) => (change === "inserted" ? this.lookup.insertedBy(id) : this.lookup.deletedBy(id));
    if (node.kind === "text") {
      const views = node.chars.map((char) => ({ char, change, ...this.creditOf(char.id, change) }));
      return this.countWords(runs(views), change);
    }
    const author = node.id ? by(node.id) : null;
    if (PARAGRAPHS.has(node.name))
      this.tally.add(author, change === "inserted" ? "paragraphsAdded" : "paragraphsDeleted", 1);
    const content = node.children.flatMap((child) => this.whole(child, change));
    return [element(node, content, { change, author })];
  }

  private countWords(rendered: ContentText[], change: "inserted" | "deleted"): ContentText[] {
    for (const run of rendered)
      this.tally.add(run.author ?? null, change === "inserted" ? "wordsAdded" : "wordsDeleted", wordsIn(run.text));
    return rendered;
  }

  node(step: NodeStep): (ContentNode | ContentText)[] {
    if (step.op === "insert") return this.whole(step.new, "inserted");
    if (step.op === "delete") return this.whole(step.old, "deleted");
    if (step.op === "text") return this.chars(step.chars);
    const changedAttributes = changedKeys(step.old.attrs, step.new.attrs).map((key) => {
      const set = step.new.attrSources[key];
      const removed = step.old.attrSources[key];
      const author = (set && this.lookup.insertedBy(set)) ?? (removed && this.lookup.deletedBy(removed)) ?? null;
      this.tally.add(author, "formattingChanges", 1);
      return { key, from: step.old.attrs[key] ?? null, author };
    });
    const content = step.children.flatMap((child) => this.node(child));
    return [element(step.new, content, changedAttributes.length > 0 ? { changedAttributes } : {})];
  }
}

function element(
  node: TreeElement,
  content: (ContentNode | ContentText)[],
  extra: Pick<ContentNode, "change" | "author" | "changedAttributes">,
): ContentNode {
  return {
    type: node.name,
    ...(Object.keys(node.attrs).length > 0 ? { attrs: { ...node.attrs } } : {}),
    ...(content.length > 0 ? { content } : {}),
    ...extra,
  };
}

/** What changed between two aligned states: the newer content with the older one's leftovers, and a summary per author. */
export function renderDiff(
  alignment: ContentAlignment,
  lookup: AuthorLookup,
): { title: ContentText[]; content: ContentNode; summary: AuthorChanges[]; acceptors: string[] } {
  const renderer = new DiffRenderer(lookup);
  const title = renderer.chars(alignment.title.chars);
  const [content] = renderer.node(alignment.body) as [ContentNode];
  return { title, content, summary: renderer.tally.summary(), acceptors: [...renderer.acceptors].sort() };
}

/**
 * A state as ProseMirror JSON. With `writtenBy`, every run of text says who
 * wrote it (the authorship view); without, it is plain ProseMirror JSON, what
 * TipTap's `setContent` takes.
 */
export function renderTree(node: TreeElement, writtenBy?: (id: Y.ID) => Credit): ContentNode {
  const content = node.children.flatMap((child): (ContentNode | ContentText)[] => {
    if (child.kind === "element") return [renderTree(child, writtenBy)];
    return runs(child.chars.map((char) => (writtenBy ? { char, ...writtenBy(char.id) } : { char })));
  });
  return element(node, content, {});
}

/** A title's characters as text runs, with who wrote each when `writtenBy` is given. */
export function renderTitle(chars: readonly TreeChar[], writtenBy?: (id: Y.ID) => Credit): ContentText[] {
  return runs(chars.map((char) => (writtenBy ? { char, ...writtenBy(char.id) } : { char })));
}
