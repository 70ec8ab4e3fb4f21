import { useSyncExternalStore } from "react";
import type { Observable } from "./observable.js";

const none: Observable<null> = { get: () => null, subscribe: () => () => {} };

/** The current value of an {@link Observable}, re-rendering when it changes; `null` while there is none. */
export function useObservable<T>(observable: Observable<T>): T;
export function useObservable<T>(observable: Observable<T> | null | undefined): T | null;
export function useObservable<T>(observable: Observable<T> | null | undefined): T | null {
  const source: Observable<T | null> = observable ?? none;
  return useSyncExternalStore(
    (listener) => source.subscribe(listener),
    () => source.get(),
    () => source.get(),
  );
}
