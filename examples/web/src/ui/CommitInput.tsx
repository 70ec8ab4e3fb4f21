import { type InputHTMLAttributes, useEffect, useRef, useState } from "react";

/**
 * A text field for one shared value, committed on blur or Enter rather than
 * per keystroke: a half-typed name should not flash on everyone's screen or
 * in the list. Escape puts back what was there. Follows `value` while not
 * being edited, so others' changes show.
 */
export function CommitInput({
  value,
  onCommit,
  ...input
}: { value: string; onCommit: (value: string) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "value" | "onChange" | "onFocus" | "onBlur" | "onKeyDown"
>) {
  const [draft, setDraft] = useState(value);
  const [editing, setEditing] = useState(false);
  const cancelled = useRef(false);

  useEffect(() => {
    if (!editing) setDraft(value);
  }, [value, editing]);

  const commit = () => {
    setEditing(false);
    if (cancelled.current) {
      cancelled.current = false;
      setDraft(value);
      return;
    }
    onCommit(draft.trim());
  };

  return (
    <input
      {...input}
      value={draft}
      onFocus={() => setEditing(true)}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === "Enter") event.currentTarget.blur();
        if (event.key === "Escape") {
          cancelled.current = true;
          event.currentTarget.blur();
        }
      }}
    />
  );
}
