import * as Y from "yjs";
import { type MergedState, readStoredUpdates, type StoredUpdate } from "./encoding.ts";

type Struct = ReturnType<typeof Y.decodeUpdate>["structs"][number];

/**
 * Structs per slice. Applying a slice costs Yjs' integration: at 2,000
 * structs or 64 Ki characters a slice held the event loop for 45–90 ms in
 * the isolation benchmark's 8 MB load, at 500 structs or 16 Ki characters
 * 5–26 ms, and at half that mostly under 5 ms.
 */
const STRUCTS_PER_SLICE = 250;
/** Content per slice (characters, array entries): large pastes make few structs, each to be copied whole. */
const CONTENT_PER_SLICE = 8 * 1024;
/**
 * Deleted ranges per slice: the whole delete set of the isolation benchmark's
 * 8 MB document (29 KB of it) took 10–15 ms to apply in one go.
 */
const DELETIONS_PER_SLICE = 1000;

/** How much content a struct brings into the document (a deleted or collected one: none). */
function contentOf(struct: Struct): number {
  return struct instanceof Y.Item && !(struct.content instanceof Y.ContentDeleted) ? struct.length : 0;
}

/**
 * In the V1 update format every number that frames the structs (counts,
 * client ids, clocks) is a plain varuint, which is what these V1 encoder
 * methods write.
 */
function writeNumber(encoder: Y.UpdateEncoderV1, value: number): void {
  encoder.writeLen(value);
}

/** One V1 update holding `byClient`'s structs (each client's a run of consecutive clocks) and no deletions. */
function encodeSlice(byClient: ReadonlyMap<number, readonly Struct[]>): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  writeNumber(encoder, byClient.size);
  for (const [client, structs] of byClient) {
    writeNumber(encoder, structs.length);
    encoder.writeClient(client);
    writeNumber(encoder, (structs[0] as Struct).id.clock);
    for (const struct of structs) struct.write(encoder, 0);
  }
  writeNumber(encoder, 0);
  return encoder.toUint8Array();
}

/** One V1 update holding no structs and `ranges`' deletions (each client's ranges in clock order). */
function encodeDeletions(ranges: ReadonlyMap<number, readonly { clock: number; len: number }[]>): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  writeNumber(encoder, 0);
  writeNumber(encoder, ranges.size);
  for (const [client, items] of ranges) {
    encoder.writeClient(client);
    writeNumber(encoder, items.length);
    for (const { clock, len } of items) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(len);
    }
  }
  return encoder.toUint8Array();
}

/**
 * What `doc` deleted, as updates of at most `perSlice` ranges each (at least
 * one update). A document with content pending (waiting for what it lacks)
 * gives one update, `Y.encodeStateAsUpdate` against its own state, which
 * holds the pending content too, so that a load in slices keeps it.
 */
function deletionSlices(doc: Y.Doc, perSlice: number): Uint8Array[] {
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
    return [Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc))];
  }
  const slices: Uint8Array[] = [];
  let slice = new Map<number, { clock: number; len: number }[]>();
  let inSlice = 0;
  for (const [client, items] of Y.createDeleteSetFromStructStore(doc.store).clients) {
    for (const { clock, len } of items) {
      const run = slice.get(client);
      if (run) run.push({ clock, len });
      else slice.set(client, [{ clock, len }]);
      if (++inSlice < perSlice) continue;
      slices.push(encodeDeletions(slice));
      slice = new Map();
      inSlice = 0;
    }
  }
  if (inSlice > 0 || slices.length === 0) slices.push(encodeDeletions(slice));
  return slices;
}

/** The ids a struct needs the document to hold before Yjs can integrate it (besides its own client's earlier clocks). */
function needs(struct: Struct): (Y.ID | null)[] {
  if (!(struct instanceof Y.Item)) return [];
  return [struct.origin, struct.rightOrigin, struct.parent instanceof Y.ID ? struct.parent : null];
}

/**
 * `doc`'s state as a list of V1 updates that, applied in order, each in its
 * own transaction, give the same document: slices of at most `perSlice`
 * structs (or 8 Ki characters of content), in an order where every struct comes after what it refers to (its
 * origins and parent, of whatever client), so no slice waits for a later one,
 * then the delete set in slices of at most `deletionsPerSlice` ranges. Applying a large document in
 * one go holds the thread for as long as Yjs takes over all of it (half a
 * second for an 8 MB document); in slices, whoever applies can let other work
 * run between them.
 */
export function stateInSlices(
  doc: Y.Doc,
  perSlice = STRUCTS_PER_SLICE,
  deletionsPerSlice = DELETIONS_PER_SLICE,
): Uint8Array[] {
  return cutInSlices(doc, Y.encodeStateAsUpdate(doc), perSlice, deletionsPerSlice);
}

/** {@link stateInSlices}, given `state`, `Y.encodeStateAsUpdate(doc)`. */
function cutInSlices(
  doc: Y.Doc,
  state: Uint8Array,
  perSlice = STRUCTS_PER_SLICE,
  deletionsPerSlice = DELETIONS_PER_SLICE,
): Uint8Array[] {
  const queues = new Map<number, { readonly structs: Struct[]; next: number }>();
  const { structs } = Y.decodeUpdate(state);
  // An update lists each client's structs in clock order.
  for (const struct of structs) {
    const queue = queues.get(struct.id.client);
    if (queue) queue.structs.push(struct);
    else queues.set(struct.id.client, { structs: [struct], next: 0 });
  }
  const held = new Map<number, number>();
  const holds = (id: Y.ID | null) => id === null || (held.get(id.client) ?? 0) > id.clock;
  const slices: Uint8Array[] = [];
  let slice = new Map<number, Struct[]>();
  let inSlice = 0;
  let content = 0;
  const take = (struct: Struct) => {
    const run = slice.get(struct.id.client);
    if (run) run.push(struct);
    else slice.set(struct.id.client, [struct]);
    held.set(struct.id.client, struct.id.clock + struct.length);
    content += contentOf(struct);
    if (++inSlice < perSlice && content < CONTENT_PER_SLICE) return;
    slices.push(encodeSlice(slice));
    slice = new Map();
    inSlice = 0;
    content = 0;
  };
  let left = structs.length;
  // Each writer's first struct before any writer's run: Yjs places a struct
  // among the concurrent ones at its place by walking past them and all that
  // descends from them, so a writer's first insert at a text's start, placed
  // after another writer's whole history there, walked all of it (9–43 ms for
  // one struct of the isolation benchmark's 8 MB document), where placed
  // beside that writer's first struct it stops at once.
  for (const queue of queues.values()) {
    const first = queue.structs[0];
    if (first === undefined || !needs(first).every(holds)) continue;
    take(first);
    queue.next = 1;
    left--;
  }
  while (left > 0) {
    let progress = false;
    for (const queue of queues.values()) {
      for (let struct = queue.structs[queue.next]; struct !== undefined; struct = queue.structs[queue.next]) {
        if (!needs(struct).every(holds)) break;
        take(struct);
        queue.next++;
        left--;
        progress = true;
      }
    }
    if (progress) continue;
    // Something refers to what the state lacks (Yjs keeps such structs pending): the rest goes as it is.
    for (const queue of queues.values()) {
      for (; queue.next < queue.structs.length; queue.next++, left--) take(queue.structs[queue.next] as Struct);
    }
  }
  if (inSlice > 0) slices.push(encodeSlice(slice));
  slices.push(...deletionSlices(doc, deletionsPerSlice));
  return slices;
}

/** What {@link sliceStoredUpdates} made: the document in slices, and the log rows (by index) that threw. */
export interface SlicedState {
  readonly slices: readonly Uint8Array[];
  /**
   * The whole document as one V1 update (`Y.encodeStateAsUpdate`), which the
   * slicing encodes anyway; none when content waits for what the document
   * lacks (Yjs adds it to every encoding, so it is no state to share).
   */
  readonly state?: Uint8Array;
  readonly unapplied: MergedState["unapplied"];
}

/**
 * Loads a snapshot and log rows into a fresh Y.Doc (as a load does) and
 * returns it as {@link stateInSlices}; with `keepDeleted`, the slices keep the
 * content of deleted items, for a target made with `gc: false`.
 */
export function sliceStoredUpdates(
  snapshot: StoredUpdate | null,
  rows: readonly StoredUpdate[],
  keepDeleted = false,
): SlicedState {
  const { value, unapplied } = readStoredUpdates(
    snapshot,
    rows,
    (doc) => {
      const state = Y.encodeStateAsUpdate(doc);
      const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
      return { slices: cutInSlices(doc, state), ...(pending ? {} : { state }) };
    },
    { keepDeleted },
  );
  return { ...value, unapplied };
}
