import { type FormEvent, useId, useState } from "react";
import { type Profile, profileColors } from "./identity.js";
import { Avatar } from "./ui/Avatar.js";
import { Dialog } from "./ui/Dialog.js";

/**
 * Picks the display name and color others see on your cursor and comments
 * (dev-mode servers only: with a token, the token says who you are).
 */
export function ProfileDialog({
  open,
  profile,
  onSave,
  onClose,
}: {
  open: boolean;
  profile: Profile | undefined;
  onSave: (name: string, color: string) => void;
  /** Absent on the first visit: a name is needed before anything else. */
  onClose?: () => void;
}) {
  const [name, setName] = useState(profile?.name ?? "");
  const [color, setColor] = useState<string>(profile?.color ?? profileColors[5].value);
  const nameId = useId();
  const trimmed = name.trim();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (trimmed !== "") onSave(trimmed, color);
  }

  return (
    <Dialog open={open} onClose={onClose} label="Choose your name and color" testId="profile-dialog">
      <form onSubmit={submit} className="stack">
        <div className="dialog-heading">
          <Avatar user={{ name: trimmed || "?", color }} />
          <div>
            <h2>{profile ? "Your name and color" : "Welcome to Tandem"}</h2>
            <p className="muted">This is how others see your cursor, presence and comments.</p>
          </div>
        </div>
        <label htmlFor={nameId} className="field-label">
          Your name
        </label>
        <input
          id={nameId}
          className="input"
          data-testid="profile-name"
          value={name}
          maxLength={60}
          autoComplete="name"
          placeholder="e.g. Ada Lovelace"
          autoFocus
          onChange={(event) => setName(event.target.value)}
        />
        <fieldset className="color-picker">
          <legend className="field-label">Color</legend>
          {profileColors.map((option) => (
            <label key={option.value} className="swatch" style={{ backgroundColor: option.value }} title={option.name}>
              <input
                type="radio"
                name="color"
                value={option.value}
                checked={color === option.value}
                aria-label={option.name}
                data-testid={`profile-color-${option.name.toLowerCase()}`}
                onChange={() => setColor(option.value)}
              />
            </label>
          ))}
        </fieldset>
        <div className="dialog-actions">
          {onClose && (
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
          )}
          <button type="submit" className="button button-primary" data-testid="profile-save" disabled={trimmed === ""}>
            {profile ? "Save" : "Continue"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
