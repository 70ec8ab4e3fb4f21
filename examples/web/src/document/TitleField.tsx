import { DocumentFields, MAX_TITLE_LENGTH } from "@tandem/protocol";
import { useEffect, useLayoutEffect, useRef } from "react";
import type * as Y from "yjs";
import { applyValue, mapIndex } from "./text-binding.js";

// Marks this field's own edits, so its observer does not re-apply them.
const origin = Symbol("title-field");

function fitHeight(field: HTMLTextAreaElement): void {
  field.style.height = "auto";
  field.style.height = `${field.scrollHeight}px`;
}

/**
 * The document's title, bound to the `title` Y.Text: everyone edits it live.
 * A textarea (not an input) so long titles wrap on a phone; line breaks are
 * refused, Enter moves on to the body. The DOM value is driven by Yjs, not by
 * React state, so that remote edits keep the local caret where it belongs.
 */
export function TitleField({
  doc,
  readOnly,
  placeholder,
  onEnter,
}: {
  doc: Y.Doc;
  readOnly: boolean;
  placeholder: string;
  onEnter?: () => void;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const composing = useRef(false);
  const text = doc.getText(DocumentFields.title);

  useLayoutEffect(() => {
    const field = ref.current;
    if (!field) return;
    field.value = text.toString();
    fitHeight(field);
    const onRemote = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      // Our own edits are already in the field; during IME composition the field is the browser's.
      if (transaction.origin === origin || composing.current) return;
      const focused = document.activeElement === field;
      const [start, end] = [field.selectionStart, field.selectionEnd].map((index) => mapIndex(index, event.delta));
      field.value = text.toString();
      fitHeight(field);
      if (focused) field.setSelectionRange(start ?? 0, end ?? 0);
    };
    text.observe(onRemote);
    return () => text.unobserve(onRemote);
  }, [text]);

  useEffect(() => {
    const onResize = () => ref.current && fitHeight(ref.current);
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);

  const commit = (field: HTMLTextAreaElement) => {
    const value = field.value.replace(/[\r\n]+/g, " ");
    if (value !== field.value) field.value = value;
    applyValue(text, value, origin);
    fitHeight(field);
  };

  return (
    <textarea
      ref={ref}
      className="title-field"
      aria-label="Title"
      data-testid="document-title"
      rows={1}
      maxLength={MAX_TITLE_LENGTH}
      placeholder={placeholder}
      readOnly={readOnly}
      spellCheck
      onInput={(event) => {
        if (!composing.current) commit(event.currentTarget);
      }}
      onCompositionStart={() => {
        composing.current = true;
      }}
      onCompositionEnd={(event) => {
        composing.current = false;
        commit(event.currentTarget);
      }}
      onKeyDown={(event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          onEnter?.();
        }
      }}
    />
  );
}
