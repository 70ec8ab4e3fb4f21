import { type ReactNode, useId, useRef, useState } from "react";
import { isTandemClientError } from "../errors.js";
import type { TandemUser } from "../identity.js";
import { Avatar } from "../presence/Avatar.js";
import { matchPeople, mentionQueryAt } from "./mentions.js";

/** Props of {@link CommentComposer}. */
export interface CommentComposerProps {
  /** People who can be @mentioned. */
  readonly people: readonly TandemUser[];
  readonly placeholder: string;
  readonly submitLabel: string;
  /** Stores the comment; may throw a `TandemClientError`, shown to the user. */
  readonly onSubmit: (body: string) => void;
  readonly onCancel?: () => void;
  readonly initialValue?: string;
  /** `data-testid` of the text field. */
  readonly testId: string;
  readonly autoFocus?: boolean;
}

/**
 * A comment field: Enter sends, Shift+Enter starts a new line, Escape
 * cancels. Typing `@` offers the people of the document; arrow keys choose,
 * Enter or Tab inserts `@Name`.
 */
export function CommentComposer(props: CommentComposerProps): ReactNode {
  const { people, placeholder, submitLabel, onSubmit, onCancel, testId, autoFocus } = props;
  const [value, setValue] = useState(props.initialValue ?? "");
  const [caret, setCaret] = useState(value.length);
  const [highlighted, setHighlighted] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const mention = mentionQueryAt(value, caret);
  const suggestions = mention && mention.start !== dismissedAt ? matchPeople(people, mention.query) : [];
  const open = suggestions.length > 0;

  const insertMention = (person: TandemUser) => {
    if (!mention) return;
    const before = `${value.slice(0, mention.start)}@${person.name} `;
    const next = before + value.slice(caret);
    setValue(next);
    setCaret(before.length);
    setHighlighted(0);
    requestAnimationFrame(() => field.current?.setSelectionRange(before.length, before.length));
  };

  const submit = () => {
    if (value.trim() === "") return;
    try {
      onSubmit(value);
      setValue("");
      setCaret(0);
      setError(null);
    } catch (caught) {
      if (!isTandemClientError(caught)) throw caught;
      setError(caught.message);
    }
  };

  return (
    <form
      className="tandem-composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={field}
        className="tandem-composer__field"
        rows={value.includes("\n") ? 3 : 1}
        value={value}
        placeholder={placeholder}
        aria-label={placeholder}
        aria-describedby={open ? listId : undefined}
        data-testid={testId}
        // biome-ignore lint/a11y/noAutofocus: composers open because the user asked to write
        autoFocus={autoFocus}
        onChange={(event) => {
          setValue(event.target.value);
          setCaret(event.target.selectionStart);
          setHighlighted(0);
          setError(null);
        }}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={(event) => {
          if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
            event.preventDefault();
            const step = event.key === "ArrowDown" ? 1 : -1;
            setHighlighted((current) => (current + step + suggestions.length) % suggestions.length);
          } else if (open && (event.key === "Enter" || event.key === "Tab")) {
            event.preventDefault();
            const person = suggestions[highlighted] ?? suggestions[0];
            if (person) insertMention(person);
          } else if (event.key === "Escape") {
            if (open && mention) setDismissedAt(mention.start);
            else onCancel?.();
          } else if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            submit();
          }
        }}
      />
      {open ? (
        <div className="tandem-mentions" id={listId}>
          {suggestions.map((person, index) => (
            <button
              key={person.id}
              type="button"
              tabIndex={-1}
              className={index === highlighted ? "tandem-mentions__option is-highlighted" : "tandem-mentions__option"}
              data-testid="mention-option"
              onMouseDown={(event) => {
                // Keep the focus (and the caret) in the field.
                event.preventDefault();
                insertMention(person);
              }}
            >
              <Avatar user={person} small />
              {person.name}
            </button>
          ))}
        </div>
      ) : null}
      {error ? (
        <p className="tandem-composer__error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="tandem-composer__actions">
        {onCancel ? (
          <button type="button" className="tandem-button is-quiet" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="tandem-button" disabled={value.trim() === ""} data-testid="comment-submit">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
