import { type RefObject, useEffect, useLayoutEffect, useState } from "react";

/** Which sides of a horizontally scrolling element have more content out of view. */
export type Overflow = "none" | "start" | "end" | "both";

/** {@link Overflow} of `element` now. One pixel of slack absorbs sub-pixel widths. */
export function overflowOf(element: Pick<HTMLElement, "scrollLeft" | "scrollWidth" | "clientWidth">): Overflow {
  const start = element.scrollLeft > 1;
  const end = element.scrollLeft + element.clientWidth < element.scrollWidth - 1;
  return start && end ? "both" : start ? "start" : end ? "end" : "none";
}

/**
 * Tracks {@link Overflow} of the element in `ref`: measured after every
 * render (its content may have changed), when it scrolls and when it is
 * resized.
 */
export function useOverflow(ref: RefObject<HTMLElement | null>): Overflow {
  const [overflow, setOverflow] = useState<Overflow>("none");
  useLayoutEffect(() => {
    if (ref.current) setOverflow(overflowOf(ref.current));
  });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setOverflow(overflowOf(element));
    element.addEventListener("scroll", measure, { passive: true });
    const resize = typeof ResizeObserver === "undefined" ? undefined : new ResizeObserver(measure);
    resize?.observe(element);
    return () => {
      element.removeEventListener("scroll", measure);
      resize?.disconnect();
    };
  }, [ref]);
  return overflow;
}
