import type { Editor } from "@tiptap/core";
import { useEditorState } from "@tiptap/react";
import { type FormEvent, type ReactNode, type RefObject, useRef, useState } from "react";
import { draftFromSelection } from "../comments/draft.js";
import type { TandemDocument } from "../provider/document.js";
import { useObservable } from "../use-observable.js";
import { CommentIcon, LinkIcon } from "./icons.js";
import { hrefFromInput } from "./links.js";
import { useOverflow } from "./overflow.js";

/** Props of {@link Toolbar}. */
export interface ToolbarProps {
  readonly editor: Editor;
  readonly document: TandemDocument;
}

interface ButtonProps {
  readonly id: string;
  readonly label: string;
  readonly shortcut?: string;
  readonly active?: boolean;
  readonly disabled?: boolean;
  readonly onClick: () => void;
  readonly children: ReactNode;
}

function ToolbarButton({ id, label, shortcut, active, disabled, onClick, children }: ButtonProps): ReactNode {
  return (
    <button
      type="button"
      className={active ? "tandem-toolbar__button is-active" : "tandem-toolbar__button"}
      aria-label={label}
      title={shortcut ? `${label} (${shortcut})` : label}
      aria-pressed={active === undefined ? undefined : active}
      disabled={disabled}
      data-testid={`toolbar-${id}`}
      // Keep the editor's selection: the button acts on it.
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

/**
 * An arrow over one end of the scrolling tools, shown while more tools are
 * out of view on that side: the visible sign that the row scrolls, and a way
 * to scroll it with a mouse. Keyboard focus scrolls the tools by itself, so
 * the arrows stay out of the tab order and out of the accessibility tree.
 */
function ScrollArrow(props: { readonly side: "start" | "end"; readonly tools: RefObject<HTMLElement | null> }) {
  const { side, tools } = props;
  return (
    <button
      type="button"
      className={`tandem-toolbar__arrow tandem-toolbar__arrow--${side}`}
      tabIndex={-1}
      aria-hidden="true"
      data-testid={`toolbar-scroll-${side}`}
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => {
        const step = (tools.current?.clientWidth ?? 0) * 0.75;
        tools.current?.scrollBy({ left: side === "end" ? step : -step, behavior: "smooth" });
      }}
    >
      {side === "end" ? "›" : "‹"}
    </button>
  );
}

const mod = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl+";

/**
 * The editor's toolbar: text styles, headings, lists, task lists, quotes,
 * code blocks, links, tables, per-user undo and redo, and "Comment" on the
 * selection. Editing buttons appear only when the role allows editing; the
 * comment button when it allows commenting. Editors and owners switch
 * "Suggesting" on and off (`toolbar-suggest`); commenters always suggest
 * (`suggesting-note`). While suggesting, only text styles are offered: they
 * are what a suggestion can change besides the text. Every button has an accessible
 * label and `data-testid="toolbar-<name>"`.
 *
 * On a narrow screen the tools scroll sideways in one row (wrapping would
 * take several rows of a phone's height), with a fading arrow at each end
 * that has more, while "Comment" stays in view at the end.
 */
export function Toolbar({ editor, document }: ToolbarProps): ReactNode {
  const state = useEditorState({
    editor,
    selector: ({ editor: current }) => ({
      editable: current.isEditable,
      empty: current.state.selection.empty,
      bold: current.isActive("bold"),
      italic: current.isActive("italic"),
      strike: current.isActive("strike"),
      code: current.isActive("code"),
      h1: current.isActive("heading", { level: 1 }),
      h2: current.isActive("heading", { level: 2 }),
      h3: current.isActive("heading", { level: 3 }),
      bulletList: current.isActive("bulletList"),
      orderedList: current.isActive("orderedList"),
      taskList: current.isActive("taskList"),
      blockquote: current.isActive("blockquote"),
      codeBlock: current.isActive("codeBlock"),
      link: current.isActive("link"),
      href: (current.getAttributes("link").href as string | undefined) ?? "",
      table: current.isActive("table"),
      canUndo: current.can().undo(),
      canRedo: current.can().redo(),
    }),
  });
  const documentState = useObservable(document.state);
  const ui = useObservable(document.ui);
  // Recomputed on each change of `documentState` or `ui`, which re-render this.
  const suggesting = ui !== null && document.isSuggesting;
  const canEdit = documentState.contentAccess === "read-write";
  const [linkInput, setLinkInput] = useState<string | null>(null);
  const [linkError, setLinkError] = useState(false);
  const tools = useRef<HTMLDivElement>(null);
  const overflow = useOverflow(tools);
  const chain = () => editor.chain().focus();
  const canComment = documentState.commentsAccess === "read-write";

  const applyLink = (event: FormEvent) => {
    event.preventDefault();
    const value = linkInput ?? "";
    if (value.trim() === "") {
      chain().extendMarkRange("link").unsetLink().run();
      setLinkInput(null);
      return;
    }
    const href = hrefFromInput(value);
    if (!href) {
      setLinkError(true);
      return;
    }
    chain().extendMarkRange("link").setLink({ href }).run();
    setLinkInput(null);
  };

  const startComment = () => {
    const draft = draftFromSelection(editor.state);
    if (draft) document.setDraft(draft);
  };

  return (
    <div className="tandem-toolbar" role="toolbar" aria-label="Formatting" data-testid="editor-toolbar">
      <div className="tandem-toolbar__frame">
        <div className="tandem-toolbar__tools" ref={tools} data-overflow={overflow} data-testid="toolbar-tools">
          {state.editable ? (
            <>
              {suggesting ? null : (
                <div className="tandem-toolbar__group">
                  <ToolbarButton
                    id="undo"
                    label="Undo"
                    shortcut={`${mod}Z`}
                    disabled={!state.canUndo}
                    onClick={() => chain().undo().run()}
                  >
                    ↶
                  </ToolbarButton>
                  <ToolbarButton
                    id="redo"
                    label="Redo"
                    shortcut={`${mod}Shift+Z`}
                    disabled={!state.canRedo}
                    onClick={() => chain().redo().run()}
                  >
                    ↷
                  </ToolbarButton>
                </div>
              )}
              <div className="tandem-toolbar__group">
                <ToolbarButton
                  id="bold"
                  label="Bold"
                  shortcut={`${mod}B`}
                  active={state.bold}
                  onClick={() => chain().toggleBold().run()}
                >
                  <b>B</b>
                </ToolbarButton>
                <ToolbarButton
                  id="italic"
                  label="Italic"
                  shortcut={`${mod}I`}
                  active={state.italic}
                  onClick={() => chain().toggleItalic().run()}
                >
                  <i>I</i>
                </ToolbarButton>
                <ToolbarButton
                  id="strike"
                  label="Strikethrough"
                  active={state.strike}
                  onClick={() => chain().toggleStrike().run()}
                >
                  <s>S</s>
                </ToolbarButton>
                <ToolbarButton
                  id="code"
                  label="Inline code"
                  shortcut={`${mod}E`}
                  active={state.code}
                  onClick={() => chain().toggleCode().run()}
                >
                  {"</>"}
                </ToolbarButton>
                {suggesting ? null : (
                  <ToolbarButton
                    id="link"
                    label="Link"
                    active={state.link}
                    onClick={() => {
                      setLinkError(false);
                      setLinkInput(state.href);
                    }}
                  >
                    <LinkIcon />
                  </ToolbarButton>
                )}
              </div>
              {suggesting ? null : (
                <>
                  <div className="tandem-toolbar__group">
                    {([1, 2, 3] as const).map((level) => (
                      <ToolbarButton
                        key={level}
                        id={`heading-${level}`}
                        label={`Heading ${level}`}
                        active={state[`h${level}`]}
                        onClick={() => chain().toggleHeading({ level }).run()}
                      >
                        H{level}
                      </ToolbarButton>
                    ))}
                  </div>
                  <div className="tandem-toolbar__group">
                    <ToolbarButton
                      id="bullet-list"
                      label="Bulleted list"
                      active={state.bulletList}
                      onClick={() => chain().toggleBulletList().run()}
                    >
                      •
                    </ToolbarButton>
                    <ToolbarButton
                      id="ordered-list"
                      label="Numbered list"
                      active={state.orderedList}
                      onClick={() => chain().toggleOrderedList().run()}
                    >
                      1.
                    </ToolbarButton>
                    <ToolbarButton
                      id="task-list"
                      label="Task list"
                      active={state.taskList}
                      onClick={() => chain().toggleTaskList().run()}
                    >
                      ☑
                    </ToolbarButton>
                    <ToolbarButton
                      id="blockquote"
                      label="Quote"
                      active={state.blockquote}
                      onClick={() => chain().toggleBlockquote().run()}
                    >
                      ❝
                    </ToolbarButton>
                    <ToolbarButton
                      id="code-block"
                      label="Code block"
                      active={state.codeBlock}
                      onClick={() => chain().toggleCodeBlock().run()}
                    >
                      {"{ }"}
                    </ToolbarButton>
                  </div>
                  <div className="tandem-toolbar__group">
                    {state.table ? (
                      <>
                        <ToolbarButton id="table-add-row" label="Add row" onClick={() => chain().addRowAfter().run()}>
                          +row
                        </ToolbarButton>
                        <ToolbarButton
                          id="table-add-column"
                          label="Add column"
                          onClick={() => chain().addColumnAfter().run()}
                        >
                          +col
                        </ToolbarButton>
                        <ToolbarButton
                          id="table-delete-row"
                          label="Delete row"
                          onClick={() => chain().deleteRow().run()}
                        >
                          −row
                        </ToolbarButton>
                        <ToolbarButton
                          id="table-delete-column"
                          label="Delete column"
                          onClick={() => chain().deleteColumn().run()}
                        >
                          −col
                        </ToolbarButton>
                        <ToolbarButton
                          id="table-delete"
                          label="Delete table"
                          onClick={() => chain().deleteTable().run()}
                        >
                          ⌫
                        </ToolbarButton>
                      </>
                    ) : (
                      <ToolbarButton
                        id="table"
                        label="Insert table"
                        onClick={() => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()}
                      >
                        ⊞
                      </ToolbarButton>
                    )}
                  </div>
                </>
              )}
            </>
          ) : documentState.contentAccess === "pending" ? null : (
            <span className="tandem-toolbar__note" data-testid="read-only-note">
              {canComment ? "You can comment, not edit" : "Read only"}
            </span>
          )}
        </div>
        {overflow === "start" || overflow === "both" ? <ScrollArrow side="start" tools={tools} /> : null}
        {overflow === "end" || overflow === "both" ? <ScrollArrow side="end" tools={tools} /> : null}
      </div>
      {canComment ? (
        <div className="tandem-toolbar__group tandem-toolbar__group--end">
          {canEdit ? (
            <ToolbarButton
              id="suggest"
              label="Suggesting: your changes become suggestions"
              active={suggesting}
              onClick={() => document.setSuggesting(!suggesting)}
            >
              Suggesting
            </ToolbarButton>
          ) : suggesting && state.editable ? (
            <span
              className="tandem-toolbar__note"
              data-testid="suggesting-note"
              title="What you type becomes suggestions; an editor accepts or rejects them"
            >
              Suggesting
            </span>
          ) : null}
          <ToolbarButton
            id="comment"
            label="Comment"
            shortcut={`${mod}Alt+M`}
            disabled={state.empty}
            onClick={startComment}
          >
            <CommentIcon /> Comment
          </ToolbarButton>
        </div>
      ) : null}
      {linkInput !== null ? (
        <form className="tandem-toolbar__link" onSubmit={applyLink}>
          <input
            // biome-ignore lint/a11y/noAutofocus: the field opens because the user asked for it
            autoFocus
            type="text"
            inputMode="url"
            aria-label="Link address"
            aria-invalid={linkError}
            placeholder="https://… (empty removes the link)"
            value={linkInput}
            data-testid="link-input"
            onChange={(event) => {
              setLinkError(false);
              setLinkInput(event.target.value);
            }}
            onKeyDown={(event) => {
              if (event.key === "Escape") setLinkInput(null);
            }}
          />
          <button type="submit" data-testid="link-apply">
            Apply
          </button>
          {linkError ? <span role="alert">Only http, https and mailto links are allowed.</span> : null}
        </form>
      ) : null}
    </div>
  );
}
