import * as Y from "yjs";

/** Characters typed into the warm-up's document, one transaction each, by two writers. */
const KEYSTROKES = 1200;
/** Times the warm-up loads its document and encodes it for joiners. */
const LOADS = 12;

/** A deterministic stream of numbers in [0, 1): the warm-up does the same work on every start. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16_807) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

/**
 * Two writers editing a document as Tandem's editor shapes it (paragraphs of
 * formatted text in the `default` fragment) and a plain text beside it,
 * concurrently, with deletions: the structs, conflicts and delete sets a
 * stored document holds.
 */
function editedDocument(): Y.Doc {
  const writers = [new Y.Doc(), new Y.Doc()];
  const next = seeded(7);
  // Each writer types into a paragraph of its own; both paragraphs reach both writers at the first exchange.
  const paragraphs = writers.map((writer) => {
    const text = new Y.XmlText("");
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [text]);
    writer.getXmlFragment("default").insert(0, [paragraph]);
    return text;
  });
  for (let keystroke = 0; keystroke < KEYSTROKES; keystroke++) {
    const turn = keystroke % writers.length;
    const text = keystroke % 3 === 0 ? (writers[turn] as Y.Doc).getText("plain") : (paragraphs[turn] as Y.XmlText);
    const position = Math.floor(next() * (text.length + 1));
    if (text.length > 20 && next() < 0.25) text.delete(Math.min(position, text.length - 3), 3);
    else text.insert(position, "e", next() < 0.1 ? { bold: true } : undefined);
    // Every few keystrokes the writers exchange what they typed, as a server relays it.
    if (keystroke % 8 === 7) {
      const [first, second] = writers as [Y.Doc, Y.Doc];
      Y.applyUpdate(second, Y.encodeStateAsUpdate(first, Y.encodeStateVector(second)));
      Y.applyUpdate(first, Y.encodeStateAsUpdate(second, Y.encodeStateVector(first)));
    }
  }
  return writers[0] as Y.Doc;
}

/**
 * Runs the Yjs work a server does when clients join a stored document (a
 * load of a V2 snapshot, the V1 encoding of the whole document and of a
 * difference, state vectors, merged updates) on a small document of its own,
 * and returns the milliseconds it took.
 *
 * Why: a process that has just started runs that code unoptimised, and V8
 * optimises it only as it runs. After a restart every client reconnects at
 * once, and the first load and encoding of their document were several times
 * slower than in a warmed process. In the join storm benchmark (50 clients
 * opening a 304 KB document on a server that had just started) the last
 * client was synced after a median 316 ms without the warm-up and 141 ms
 * with it (six alternating pairs). It costs about 0.1 s in a fresh Node
 * process and 0.2–0.4 s at the server's start on a busy 2-core VM. Call it
 * before listening: the first clients then find the code warm.
 */
export function warmUpYjs(): number {
  const started = performance.now();
  const document = editedDocument();
  const snapshot = Y.encodeStateAsUpdateV2(document);
  for (let load = 0; load < LOADS; load++) {
    const loaded = new Y.Doc();
    Y.applyUpdateV2(loaded, snapshot);
    const whole = Y.encodeStateAsUpdate(loaded);
    const joiner = new Y.Doc();
    Y.applyUpdate(joiner, whole);
    joiner.getText("plain").insert(0, "x");
    Y.mergeUpdates([whole, Y.encodeStateAsUpdate(joiner, Y.encodeStateVector(loaded))]);
  }
  return performance.now() - started;
}
