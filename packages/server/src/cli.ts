// The executable's entry. First it may start the process again with the node
// flags the server needs (see node-flags.ts), and that must come before the
// server's modules load: an ES module's static imports are all loaded and
// compiled before any of them runs, and a graph that imported the server
// statically cost the process it then replaced about a second. Then it makes
// V8's helper threads, which Node has started by now, nicer than the event loop.
import "./restart-with-node-flags.js";
import { niceV8Helpers } from "./v8-helper-priority.js";

niceV8Helpers();

await import("./commands.js");
