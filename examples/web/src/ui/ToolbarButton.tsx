import type { ButtonHTMLAttributes, ReactNode } from "react";

/** A 16-pixel stroked icon from one SVG path, in the text's colour. */
export function StrokeIcon({ path }: { readonly path: string }): ReactNode {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <path d={path} stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** A button of the document's toolbar: an icon, and a label that phones hide (the button keeps it as its name). */
export function ToolbarButton({
  icon,
  label,
  className,
  ...button
}: { readonly icon: ReactNode; readonly label: string } & ButtonHTMLAttributes<HTMLButtonElement>): ReactNode {
  return (
    <button type="button" className={["button", className].filter(Boolean).join(" ")} aria-label={label} {...button}>
      {icon}
      <span className="hide-on-phone">{label}</span>
    </button>
  );
}
