import * as Y from "yjs";

/**
 * State vectors at most this long are cache keys. An empty one (a new client)
 * is one byte; a client that already holds part of the document sends one
 * entry per writer, and such vectors rarely repeat, so long ones are not kept.
 */
const MAX_KEYED_STATE_VECTOR_BYTES = 64;
/** Distinct state vectors remembered per document state; the empty one is almost always the only one. */
const MAX_KEYS = 4;

/** What a document's state is now, encoded for the sync answer. */
export interface EncodedAnswer {
  /** `Y.encodeStateAsUpdate(document, stateVector)`. */
  readonly update: Uint8Array;
  /** Whether it was encoded for this call (false: shared with an earlier joiner). */
  readonly encoded: boolean;
}

/** The encodings of one document's current state, dropped at its next change. */
class EncodedState {
  stateVector: Uint8Array | undefined;
  readonly updates = new Map<string, Uint8Array>();

  constructor(document: Y.Doc) {
    document.on("update", () => {
      this.stateVector = undefined;
      // Map#clear allocates a fresh table even for an empty map, and that table
      // lives until the document's next edit: long enough, in a document edited
      // a few times a second, to be promoted and collected as old garbage.
      if (this.updates.size > 0) this.updates.clear();
    });
  }
}

const states = new WeakMap<Y.Doc, EncodedState>();

function stateOf(document: Y.Doc): EncodedState {
  let state = states.get(document);
  if (state === undefined) {
    state = new EncodedState(document);
    states.set(document, state);
  }
  return state;
}

/**
 * Structs or deletions waiting for something the document lacks change
 * `Y.encodeStateAsUpdate` (it appends them) without an `update` event, so
 * nothing is shared while there are any.
 */
function hasPending(document: Y.Doc): boolean {
  return document.store.pendingStructs !== null || document.store.pendingDs !== null;
}

/**
 * `Y.encodeStateAsUpdate(document, stateVector)`, computed once per document
 * state and state vector and shared by every client that asks the same: in a
 * join storm every new client sends an empty state vector, and encoding the
 * whole document for each of them, one after another on the event loop, was
 * what the storm cost. Any change of the document drops what was kept.
 */
export function encodedUpdate(document: Y.Doc, stateVector: Uint8Array): EncodedAnswer {
  if (stateVector.length > MAX_KEYED_STATE_VECTOR_BYTES || hasPending(document)) {
    return { update: Y.encodeStateAsUpdate(document, stateVector), encoded: true };
  }
  const state = stateOf(document);
  const key = Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.byteLength).toString("latin1");
  const kept = state.updates.get(key);
  if (kept !== undefined) return { update: kept, encoded: false };
  const update = Y.encodeStateAsUpdate(document, stateVector);
  if (state.updates.size >= MAX_KEYS) state.updates.clear();
  state.updates.set(key, update);
  return { update, encoded: true };
}

/** The key of an empty state vector: what every new client sends. */
const EMPTY_STATE_VECTOR_KEY = "\0";

/**
 * Shares `update`, the whole of `document` as it is now (a store's load in
 * slices encodes it off the event loop), with the clients that join before
 * it changes: the first of a join storm on a large document then costs no
 * encoding on the event loop either (81–123 ms for 8 MB).
 */
export function shareLoadedState(document: Y.Doc, update: Uint8Array): void {
  if (hasPending(document)) return;
  stateOf(document).updates.set(EMPTY_STATE_VECTOR_KEY, update);
}

/** `Y.encodeStateVector(document)`, computed once per document state. */
export function encodedStateVector(document: Y.Doc): Uint8Array {
  const state = stateOf(document);
  state.stateVector ??= Y.encodeStateVector(document);
  return state.stateVector;
}
