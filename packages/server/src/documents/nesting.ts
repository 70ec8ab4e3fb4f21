import * as Y from "yjs";
import type { DecodedUpdate } from "../protocol/frames.js";

/**
 * How deep shared types may nest in a document (a root type is depth 0, a
 * paragraph in the body depth 1), and how deep a value (a map entry, an
 * attribute, a format) may nest. A rich-text document needs a few levels per
 * list or table level, so 100 is far beyond any real document; the cap is
 * there because Yjs, the editor bindings and JSON encoding all recurse once
 * per level, and an XmlElement or Y.Map nested 5,000 deep overflowed the
 * stack on the server (and pinned the document in memory for good).
 */
export const MAX_NESTING_DEPTH = 100;

type Struct = DecodedUpdate["structs"][number];

/** How a struct's container is found: its depth directly, or through another struct of the same update. */
type Link = { readonly depth: number | null } | { readonly via: Y.Item; readonly levels: 0 | 1 };

/** How deep a plain value nests (a string 0, `[]` 1, `{ a: [] }` 2), counted only up to past the cap. */
function valueDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [current, depth] = entry;
    if (typeof current !== "object" || current === null || ArrayBuffer.isView(current)) continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    if (deepest > MAX_NESTING_DEPTH) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, inner]);
  }
  return deepest;
}

/** The deepest value an item's content carries. */
function contentValueDepth(content: Y.Item["content"]): number {
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) return valueDepth(content.arr);
  if (content instanceof Y.ContentEmbed) return valueDepth(content.embed);
  if (content instanceof Y.ContentFormat) return valueDepth(content.value);
  if (content instanceof Y.ContentDoc) return valueDepth(content.opts);
  return 0;
}

/** The depth of a live shared type: 0 for a root type; counted only up to past the cap. */
function typeDepth(type: Y.AbstractType<unknown>): number {
  let depth = 0;
  for (let current = type; current._item !== null && depth <= MAX_NESTING_DEPTH; ) {
    depth++;
    const parent = current._item.parent;
    if (!(parent instanceof Y.AbstractType)) break;
    current = parent;
  }
  return depth;
}

/**
 * Finds the container of each item of one update: in the update itself (a
 * pasted list brings its own nested types), else in the live document. An
 * item names its parent type, or only a neighbour whose parent it shares.
 */
class ContainerDepths {
  private readonly byClient = new Map<number, Struct[]>();
  private readonly known = new Map<Y.Item, number | null>();

  constructor(
    structs: readonly Struct[],
    private readonly doc: Y.Doc,
  ) {
    // Y.decodeUpdate yields each client's structs together, in clock order.
    for (const struct of structs) {
      const list = this.byClient.get(struct.id.client);
      if (list) list.push(struct);
      else this.byClient.set(struct.id.client, [struct]);
    }
  }

  /**
   * The depth of the type holding `item` (0: a root type), or null when the
   * server cannot tell: a parent or neighbour it does not have, or a parent
   * that is no type. Iterative: a pasted text is a chain of thousands of
   * items, each found through the one before.
   */
  of(item: Y.Item): number | null {
    const chain: [Y.Item, 0 | 1][] = [];
    const visited = new Set<Y.Item>();
    let depth: number | null;
    for (let current = item; ; ) {
      const known = this.known.get(current);
      if (known !== undefined) {
        depth = known;
        break;
      }
      // A cycle of neighbours is no valid update.
      if (visited.has(current)) {
        depth = null;
        break;
      }
      visited.add(current);
      const link = this.link(current);
      if ("depth" in link) {
        depth = link.depth;
        this.known.set(current, depth);
        break;
      }
      chain.push([current, link.levels]);
      current = link.via;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const [entry, levels] = chain[i] as [Y.Item, 0 | 1];
      depth = depth === null ? null : depth + levels;
      this.known.set(entry, depth);
    }
    return depth;
  }

  private link(item: Y.Item): Link {
    const parent = item.parent as unknown;
    if (typeof parent === "string") return { depth: 0 };
    if (parent instanceof Y.ID) {
      const holder = this.inUpdate(parent);
      if (holder instanceof Y.Item)
        return holder.content instanceof Y.ContentType ? { via: holder, levels: 1 } : { depth: null };
      // A parent that was garbage-collected takes the item with it: it adds no depth.
      if (holder instanceof Y.GC) return { depth: 0 };
      return {
        depth: this.inDocument(parent, (found) =>
          found.content instanceof Y.ContentType ? typeDepth(found.content.type) : null,
        ),
      };
    }
    const neighbour = item.origin ?? item.rightOrigin;
    if (neighbour === null) return { depth: null };
    const sibling = this.inUpdate(neighbour);
    if (sibling instanceof Y.Item) return { via: sibling, levels: 0 };
    if (sibling instanceof Y.GC) return { depth: 0 };
    return {
      depth: this.inDocument(neighbour, (found) =>
        found.parent instanceof Y.AbstractType ? typeDepth(found.parent) : null,
      ),
    };
  }

  /** The struct of this update that holds `id`, if any. */
  private inUpdate(id: Y.ID): Struct | undefined {
    const list = this.byClient.get(id.client);
    if (!list) return undefined;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const struct = list[middle] as Struct;
      if (id.clock < struct.id.clock) high = middle - 1;
      else if (id.clock >= struct.id.clock + struct.length) low = middle + 1;
      else return struct instanceof Y.Skip ? undefined : struct;
    }
    return undefined;
  }

  /** `measure` of the live item at `id`; 0 for one garbage-collected, null if the document lacks it. */
  private inDocument(id: Y.ID, measure: (item: Y.Item) => number | null): number | null {
    if (id.clock >= Y.getState(this.doc.store, id.client)) return null;
    const found = Y.getItem(this.doc.store, id);
    return found instanceof Y.Item ? measure(found) : 0;
  }
}

/**
 * Why applying `update` to `doc` would nest shared types or values deeper
 * than {@link MAX_NESTING_DEPTH}, or null when it would not. A new shared
 * type whose parent the server cannot find (not in the document, not in the
 * update) is refused too: otherwise its depth could not be known, and a
 * chain of types sent child first could grow without bound once its root
 * arrives. Costs a pass over the update; only new shared types look into the
 * document, up their ancestors.
 */
export function nestingProblem(update: DecodedUpdate, doc: Y.Doc): string | null {
  let depths: ContainerDepths | undefined;
  for (const struct of update.structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (contentValueDepth(struct.content) > MAX_NESTING_DEPTH) return `a value nested deeper than ${MAX_NESTING_DEPTH}`;
    if (!(struct.content instanceof Y.ContentType)) continue;
    depths ??= new ContainerDepths(update.structs, doc);
    const container = depths.of(struct);
    if (container === null) return "a shared type in a container the server does not have";
    if (container + 1 > MAX_NESTING_DEPTH) return `shared types nested deeper than ${MAX_NESTING_DEPTH}`;
  }
  return null;
}
