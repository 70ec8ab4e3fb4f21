import { isSafeLinkHref } from "@tandem/content";
import type { ContentMark, ContentNode, ContentText, HistoryAuthor } from "@tandem/protocol";
import type { CSSProperties, ReactNode } from "react";
import { describeCredit } from "./describe.js";

/** Colours and names of the people a view shows changes of; an unknown author is drawn in the muted colour. */
export type AuthorsById = ReadonlyMap<string, HistoryAuthor>;

interface ViewContext {
  readonly authors: AuthorsById;
}

function authorStyle(context: ViewContext, author: string | null | undefined): CSSProperties | undefined {
  const color = author ? context.authors.get(author)?.color : undefined;
  return color ? ({ "--tandem-author-color": color } as CSSProperties) : undefined;
}

function nameOf(context: ViewContext, id: string | null | undefined): string {
  return id ? (context.authors.get(id)?.name ?? id) : "someone";
}

function authorTitle(context: ViewContext, change: string, author: string | null | undefined, acceptedBy?: string) {
  return describeCredit(
    change,
    nameOf(context, author),
    acceptedBy === undefined ? undefined : nameOf(context, acceptedBy),
  );
}

function withMark(mark: ContentMark, inner: ReactNode): ReactNode {
  switch (mark.type) {
    case "bold":
      return <strong>{inner}</strong>;
    case "italic":
      return <em>{inner}</em>;
    case "strike":
      return <s>{inner}</s>;
    case "underline":
      return <u>{inner}</u>;
    case "code":
      return <code>{inner}</code>;
    case "link": {
      const href = typeof mark.attrs?.href === "string" ? mark.attrs.href : undefined;
      // Checked where it is drawn, as in the editor: anyone could have written the href.
      return isSafeLinkHref(href) ? (
        <a href={href} target="_blank" rel="noopener noreferrer nofollow">
          {inner}
        </a>
      ) : (
        inner
      );
    }
    default:
      return inner;
  }
}

function TextRun({ run, context }: { readonly run: ContentText; readonly context: ViewContext }): ReactNode {
  const marked = (run.marks ?? []).reduce<ReactNode>((inner, mark) => withMark(mark, inner), run.text);
  if (run.change === undefined) {
    if (run.author === undefined) return marked;
    // The authorship view: who wrote each run, without a change.
    return (
      <span
        className="tandem-change is-authored"
        data-author-id={run.author ?? ""}
        data-accepted-by-id={run.acceptedBy}
        style={authorStyle(context, run.author)}
        title={authorTitle(context, "written", run.author, run.acceptedBy)}
      >
        {marked}
      </span>
    );
  }
  const props = {
    className: `tandem-change is-${run.change}`,
    "data-testid": "diff-change",
    "data-change": run.change,
    "data-author-id": run.author ?? "",
    "data-accepted-by-id": run.acceptedBy,
    style: authorStyle(context, run.author),
    title: authorTitle(context, run.change, run.author, run.acceptedBy),
  };
  if (run.change === "inserted") return <ins {...props}>{marked}</ins>;
  if (run.change === "deleted") return <del {...props}>{marked}</del>;
  return <span {...props}>{marked}</span>;
}

function Children({ node, context }: { readonly node: ContentNode; readonly context: ViewContext }): ReactNode {
  return (node.content ?? []).map((child, index) =>
    child.type === "text" ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the content of one immutable answer
      <TextRun key={index} run={child as ContentText} context={context} />
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: the content of one immutable answer
      <Node key={index} node={child as ContentNode} context={context} />
    ),
  );
}

function Node({ node, context }: { readonly node: ContentNode; readonly context: ViewContext }): ReactNode {
  const inner = <Children node={node} context={context} />;
  const changed = node.change ?? (node.changedAttributes?.length ? "formatted" : undefined);
  const attributes = changed
    ? {
        className: `tandem-block-change is-${changed}`,
        "data-testid": "diff-block",
        "data-change": changed,
        "data-author-id": node.author ?? node.changedAttributes?.[0]?.author ?? "",
        style: authorStyle(context, node.author ?? node.changedAttributes?.[0]?.author),
      }
    : {};
  const attrs = node.attrs ?? {};
  switch (node.type) {
    case "doc":
      return inner;
    case "paragraph":
      return <p {...attributes}>{inner}</p>;
    case "heading": {
      const level = Math.min(6, Math.max(1, Number(attrs.level) || 1));
      const Heading = `h${level}` as "h1";
      return <Heading {...attributes}>{inner}</Heading>;
    }
    case "bulletList":
      return <ul {...attributes}>{inner}</ul>;
    case "orderedList":
      return (
        <ol start={typeof attrs.start === "number" ? attrs.start : undefined} {...attributes}>
          {inner}
        </ol>
      );
    case "listItem":
      return <li {...attributes}>{inner}</li>;
    case "taskList":
      return (
        <ul data-type="taskList" {...attributes}>
          {inner}
        </ul>
      );
    case "taskItem":
      return (
        <li data-checked={attrs.checked === true} {...attributes}>
          <label>
            <input type="checkbox" checked={attrs.checked === true} disabled readOnly />
          </label>
          <div>{inner}</div>
        </li>
      );
    case "blockquote":
      return <blockquote {...attributes}>{inner}</blockquote>;
    case "codeBlock":
      return (
        <pre {...attributes}>
          <code>{inner}</code>
        </pre>
      );
    case "horizontalRule":
      return <hr {...attributes} />;
    case "hardBreak":
      return <br />;
    case "table":
      return (
        <div className="tableWrapper">
          <table {...attributes}>
            <tbody>{inner}</tbody>
          </table>
        </div>
      );
    case "tableRow":
      return <tr {...attributes}>{inner}</tr>;
    case "tableHeader":
      return <th {...attributes}>{inner}</th>;
    case "tableCell":
      return <td {...attributes}>{inner}</td>;
    default:
      return (
        <div data-node-type={node.type} {...attributes}>
          {inner}
        </div>
      );
  }
}

/**
 * A document's content as the history API sends it (ProseMirror JSON, with
 * changes marked and attributed in a diff), drawn with the editor's own
 * styles; insertions and deletions in the colour of who made them.
 */
export function ContentView({
  content,
  authors,
}: {
  readonly content: ContentNode;
  readonly authors: AuthorsById;
}): ReactNode {
  return (
    <div className="tandem-editor tandem-history__document" data-testid="history-document">
      <div className="tandem-editor__content">
        <Node node={content} context={{ authors }} />
      </div>
    </div>
  );
}

/** A title's runs, changes marked as in {@link ContentView}. */
export function TitleView({
  runs,
  authors,
}: {
  readonly runs: readonly ContentText[];
  readonly authors: AuthorsById;
}): ReactNode {
  return (
    <h1 className="tandem-history__title" data-testid="history-title">
      {runs.map((run, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the runs of one immutable answer
        <TextRun key={index} run={run} context={{ authors }} />
      ))}
    </h1>
  );
}
