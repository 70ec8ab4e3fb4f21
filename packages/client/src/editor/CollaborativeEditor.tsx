import type { Editor, Extensions } from "@tiptap/core";
import { EditorContent, useEditor } from "@tiptap/react";
import { type ReactNode, useEffect, useState } from "react";
import type { TandemDocument } from "../provider/document.js";
import { useTandemDocument } from "../provider/TandemProvider.js";
import { useObservable } from "../use-observable.js";
import { useCaretIdleState, useFollowUser, useRevealThread } from "./behaviours.js";
import { tandemExtensions } from "./extensions.js";
import { Toolbar } from "./Toolbar.js";

/** Props of {@link CollaborativeEditor}. */
export interface CollaborativeEditorProps {
  /** The document to edit, such as `"spec/42"`. */
  readonly document: string;
  /** Further TipTap extensions, added after Tandem's own. Read when the editor is created. */
  readonly extensions?: Extensions;
  /** Shown in the empty editor. */
  readonly placeholder?: string;
  /** Show the built-in toolbar (default), or render your own with the editor. */
  readonly toolbar?: boolean | ((editor: Editor, document: TandemDocument) => ReactNode);
  readonly className?: string;
  /** Called with the TipTap editor once it exists, and with `null` when it goes away. */
  readonly onEditor?: (editor: Editor | null) => void;
}

/**
 * A collaborative rich-text editor for one document: TipTap with everyone's
 * carets (name labels in their colour, fading while they are idle),
 * per-user undo and redo, task lists, tables, safe links, code blocks,
 * comment highlights, suggestions and a toolbar. It is read-only for viewers;
 * commenters type in suggesting mode, where every change becomes a
 * suggestion (as editors do while "Suggesting" is on).
 *
 * Must be inside a {@link TandemProvider}. For tests it carries
 * `data-testid="collaborative-editor"` (with `data-editable` and
 * `data-suggesting`), its text area `data-testid="editor-content"`; a change
 * that cannot be suggested is explained in `data-testid="suggesting-notice"`.
 *
 * @example
 * ```tsx
 * <TandemProvider url="wss://tandem.example.com/collab" token={token}>
 *   <CollaborativeEditor document="spec/42" placeholder="Write the spec…" extensions={[Highlight]} />
 *   <CommentsSidebar document="spec/42" />
 * </TandemProvider>
 * ```
 */
export function CollaborativeEditor(props: CollaborativeEditorProps): ReactNode {
  const document = useTandemDocument(props.document);
  if (!document) {
    return (
      <div
        className={classes(props.className)}
        aria-busy="true"
        data-testid="collaborative-editor"
        data-editable="false"
      />
    );
  }
  return <DocumentEditor key={document.name} {...props} document={document} />;
}

function classes(extra: string | undefined): string {
  return ["tandem-editor", extra].filter(Boolean).join(" ");
}

type DocumentEditorProps = Omit<CollaborativeEditorProps, "document"> & { readonly document: TandemDocument };

function DocumentEditor({
  document,
  extensions,
  placeholder,
  toolbar = true,
  className,
  onEditor,
}: DocumentEditorProps) {
  const state = useObservable(document.state);
  const ui = useObservable(document.ui);
  // Commenters type too: what they type becomes suggestions (the suggesting plugin keeps it out of the content).
  const editable =
    state.contentAccess === "read-write" ||
    (state.contentAccess === "read-only" && state.commentsAccess === "read-write");
  // Read on every render; `state` and `ui` above re-render on each change it depends on.
  const suggesting = ui !== null && document.isSuggesting;
  const [notice, setNotice] = useState<string | null>(null);
  const editor = useEditor(
    {
      extensions: [
        ...tandemExtensions(document, {
          ...(placeholder ? { placeholder } : {}),
          onSuggestionRefused: setNotice,
        }),
        ...(extensions ?? []),
      ],
      editable: document.canEdit || document.canComment,
      editorProps: {
        attributes: { class: "tandem-editor__content", "data-testid": "editor-content", "aria-label": "Document text" },
      },
    },
    [document],
  );
  useEffect(() => {
    if (editor.isEditable !== editable) editor.setEditable(editable, false);
  }, [editor, editable]);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(timer);
  }, [notice]);
  useEffect(() => {
    onEditor?.(editor);
    return () => onEditor?.(null);
  }, [editor, onEditor]);
  useRevealThread(editor, document);
  useFollowUser(editor, document);
  useCaretIdleState(editor, document);
  return (
    <div
      className={classes(className)}
      data-testid="collaborative-editor"
      data-editable={String(editable)}
      data-suggesting={String(suggesting)}
    >
      {toolbar === true ? <Toolbar editor={editor} document={document} /> : toolbar ? toolbar(editor, document) : null}
      {notice ? (
        <p className="tandem-editor__notice" role="status" data-testid="suggesting-notice">
          {notice}
        </p>
      ) : null}
      <EditorContent editor={editor} className="tandem-editor__body" />
    </div>
  );
}
