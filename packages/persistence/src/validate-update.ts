import * as Y from "yjs";
import { PersistenceError } from "./errors.js";

/** What `Y.decodeUpdate` returns: an update's structs and delete set. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * Refuses bytes that are not a well-formed Yjs V1 update, before anything is
 * queued or stored. Stored bytes are replayed by every future load, so one bad
 * row would break a document for good.
 *
 * Decoding alone is not enough: Yjs accepts some garbage that then throws
 * half-way through `applyUpdate` (leaving part of it applied). Seeded fuzzing
 * of mutated real updates (validate-update.test.ts) found two such shapes,
 * both impossible in an update Yjs produced:
 * - an item whose origin, right origin or parent item is an item of its own
 *   client with a clock not below its own (a client only ever refers to what
 *   it created earlier): `findIndexSS` throws on it;
 * - an empty delete range: re-encoding it throws.
 * Also refused, as a precaution, are empty structs (two structs would share
 * an id) and clocks past 2^53 (JavaScript numbers lose precision there).
 *
 * Returns the decoded update, so that a caller that validates bytes before
 * applying them (the server's frame guard) decodes them only once.
 *
 * @throws PersistenceError `invalid-update`.
 */
export function validateUpdate(update: Uint8Array): DecodedUpdate {
  if (!(update instanceof Uint8Array) || update.length === 0) {
    throw new PersistenceError("invalid-update", "an update must be a non-empty Uint8Array");
  }
  let decoded: DecodedUpdate;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (error) {
    // Truncated or random bytes: Yjs throws while reading them.
    throw new PersistenceError("invalid-update", "the bytes do not decode as a Yjs update", { cause: error });
  }
  for (const struct of decoded.structs) {
    const { client, clock } = struct.id;
    if (!(struct.length >= 1) || !Number.isSafeInteger(clock + struct.length)) {
      throw new PersistenceError("invalid-update", `a struct of client ${client} has an invalid length`);
    }
    if (!(struct instanceof Y.Item)) continue;
    const parent = struct.parent instanceof Y.ID ? struct.parent : null;
    for (const ref of [struct.origin, struct.rightOrigin, parent]) {
      if (ref !== null && ref.client === client && ref.clock >= clock) {
        throw new PersistenceError(
          "invalid-update",
          `item ${client}:${clock} refers to a later item of its own client`,
        );
      }
    }
  }
  for (const [client, ranges] of decoded.ds.clients) {
    for (const range of ranges) {
      if (!(range.len >= 1) || !Number.isSafeInteger(range.clock + range.len)) {
        throw new PersistenceError("invalid-update", `a delete range of client ${client} is empty or out of range`);
      }
    }
  }
  return decoded;
}
