import type { ContentNode } from "@tandem/protocol";
import type { JSONContent } from "@tiptap/core";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import { TableKit } from "@tiptap/extension-table";
import { MarkdownManager } from "@tiptap/markdown";
import { StarterKit } from "@tiptap/starter-kit";

// The node and mark types of the editor's schema (the client kit's tandemExtensions,
// without its collaboration parts), each of which knows how it is written in Markdown.
let manager: MarkdownManager | undefined;

/**
 * A document's content as Markdown (GitHub flavoured: task lists, tables),
 * written by TipTap's own serializer, so it reads back into the same nodes.
 */
export function toMarkdown(title: string, content: ContentNode): string {
  manager ??= new MarkdownManager({ extensions: [StarterKit, TaskList, TaskItem, TableKit] });
  const body = manager.serialize(content as JSONContent).trim();
  const heading = title.trim() === "" ? "" : `# ${title.trim()}\n\n`;
  return `${heading}${body}\n`;
}
