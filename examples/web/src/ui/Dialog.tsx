import { type ReactNode, useEffect, useRef } from "react";

/**
 * A modal built on the native `<dialog>`: the browser traps focus, closes it
 * on Escape and makes the page behind it inert, which hand-made overlays get
 * wrong.
 */
export function Dialog({
  open,
  onClose,
  label,
  children,
  testId,
}: {
  open: boolean;
  onClose?: () => void;
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape (onCancel) is the keyboard's way out; this click is the backdrop's.
    <dialog
      ref={ref}
      className="dialog"
      aria-label={label}
      data-testid={testId}
      onCancel={(event) => {
        // Without onClose the dialog must be answered (the first-visit name picker).
        event.preventDefault();
        onClose?.();
      }}
      onClick={(event) => {
        if (event.target === ref.current) onClose?.();
      }}
    >
      {open && <div className="dialog-body">{children}</div>}
    </dialog>
  );
}
