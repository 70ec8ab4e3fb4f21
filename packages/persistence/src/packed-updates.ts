/**
 * Run from source by the merge thread (see merge-worker.ts), so its relative
 * imports name `.ts` files; the build rewrites them to `.js`.
 */
import type { AuthoredUpdate } from "./attribution.ts";

/**
 * Stored payloads packed into one buffer, so that posting them to the merge
 * thread transfers one buffer, however many rows there are. Node checks each
 * buffer of a transfer list against all the others before it posts: 100,000
 * log rows transferred one by one held the posting thread for 4 s, against
 * a few milliseconds to copy them into one buffer.
 */
export interface PackedUpdates {
  /** Every payload, one after the other. */
  readonly bytes: Uint8Array;
  /** Where each payload ends in {@link bytes} (64-bit floats: a sum of large rows can pass 4 GiB). */
  readonly ends: Float64Array;
  readonly encodings: Uint8Array;
  readonly authors: readonly (string | null)[];
  /** Who accepted each row's suggestion (`AuthoredUpdate.acceptedBy`); null for most. */
  readonly acceptors: readonly (string | null)[];
}

/** Copies `rows` into one {@link PackedUpdates}; the rows themselves are left as they were. */
export function packUpdates(rows: readonly AuthoredUpdate[]): PackedUpdates {
  let size = 0;
  for (const row of rows) size += row.data.byteLength;
  const bytes = new Uint8Array(size);
  const ends = new Float64Array(rows.length);
  const encodings = new Uint8Array(rows.length);
  const authors: (string | null)[] = [];
  const acceptors: (string | null)[] = [];
  let end = 0;
  rows.forEach(({ data, encoding, author, acceptedBy }, index) => {
    bytes.set(data, end);
    end += data.byteLength;
    ends[index] = end;
    encodings[index] = encoding;
    authors.push(author ?? null);
    acceptors.push(acceptedBy ?? null);
  });
  return { bytes, ends, encodings, authors, acceptors };
}

/** The rows {@link packUpdates} packed, as views into its buffer. */
export function unpackUpdates({ bytes, ends, encodings, authors, acceptors }: PackedUpdates): AuthoredUpdate[] {
  const rows: AuthoredUpdate[] = [];
  let start = 0;
  ends.forEach((end, index) => {
    rows.push({
      data: bytes.subarray(start, end),
      encoding: encodings[index] as number,
      author: authors[index] ?? null,
      acceptedBy: acceptors[index] ?? null,
    });
    start = end;
  });
  return rows;
}

/** The buffers to transfer with `packed` (each of its arrays has one of its own). */
export function transferablesOf({ bytes, ends, encodings }: PackedUpdates): ArrayBuffer[] {
  return [bytes.buffer, ends.buffer, encodings.buffer] as ArrayBuffer[];
}
