import { useEffect, useState } from "react";

type Theme = "system" | "light" | "dark";
const KEY = "tandem.theme";
const order: Theme[] = ["system", "light", "dark"];
const labels: Record<Theme, string> = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };

function stored(): Theme {
  try {
    const value = window.localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

/** Applies a theme: the client kit's styles read `data-theme` on <html>; "system" follows the OS. */
function apply(theme: Theme): void {
  if (theme === "system") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.setAttribute("data-theme", theme);
}

apply(stored());

const icons: Record<Theme, string> = {
  system: "M12 3a9 9 0 1 0 0 18V3Z",
  light:
    "M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10ZM12 1v2M12 21v2M4.2 4.2l1.4 1.4M18.4 18.4l1.4 1.4M1 12h2M21 12h2M4.2 19.8l1.4-1.4M18.4 5.6l1.4-1.4",
  dark: "M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8Z",
};

/** Cycles system → light → dark, remembered in this browser. */
export function ThemeToggle() {
  const [theme, setTheme] = useState(stored);
  useEffect(() => {
    apply(theme);
    try {
      window.localStorage.setItem(KEY, theme);
    } catch {
      // Not remembered, still applied.
    }
  }, [theme]);
  const next = order[(order.indexOf(theme) + 1) % order.length] ?? "system";
  return (
    <button
      type="button"
      className="button button-ghost button-icon theme-toggle"
      aria-label={`${labels[theme]} (switch to ${next})`}
      title={labels[theme]}
      data-testid="theme-toggle"
      onClick={() => setTheme(next)}
    >
      <svg width="18" height="18" viewBox="0 0 24 24" fill="none" aria-hidden="true">
        <path
          d={icons[theme]}
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          fill={theme === "system" ? "currentColor" : "none"}
        />
        {theme === "system" && <circle cx="12" cy="12" r="9" stroke="currentColor" strokeWidth="2" />}
      </svg>
    </button>
  );
}
