// `pnpm build`: the packages (tsc -b, incremental) and the examples whose
// inputs changed since their last build.
import { build } from "./lib/prepare.mjs";
import { leaveInterruptsToChildren } from "./lib/run.mjs";
import { ensureToolchain } from "./lib/toolchain.mjs";

leaveInterruptsToChildren();
build(ensureToolchain());
