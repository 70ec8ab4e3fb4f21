/**
 * A value that can be read and watched: the shape React's
 * `useSyncExternalStore` wants (`getSnapshot` returns the same object until it
 * changes).
 */
export interface Observable<T> {
  get(): T;
  subscribe(listener: () => void): () => void;
}

/** An {@link Observable} that its owner sets. Listeners run only when the value changes. */
export class Value<T> implements Observable<T> {
  private readonly listeners = new Set<() => void>();

  constructor(
    private current: T,
    private readonly equals: (a: T, b: T) => boolean = Object.is,
  ) {}

  get(): T {
    return this.current;
  }

  set(next: T): void {
    if (this.equals(this.current, next)) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener();
  }

  update(change: (current: T) => T): void {
    this.set(change(this.current));
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/** Shallow equality of two plain objects, for {@link Value}s holding state records. */
export function shallowEqual<T extends object>(a: T, b: T): boolean {
  const keys = Object.keys(a) as Array<keyof T>;
  return keys.length === Object.keys(b).length && keys.every((key) => Object.is(a[key], b[key]));
}
