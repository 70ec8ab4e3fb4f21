// The executable's entry. First it may start the process again with the node
// flags the server needs (see node-flags.ts), and that must come before the
// server's modules load: an ES module's static imports are all loaded and
// compiled before any of them runs, and a graph that imported the server
// statically cost the process it then replaced about a second.
import "./restart-with-node-flags.js";

await import("./commands.js");
