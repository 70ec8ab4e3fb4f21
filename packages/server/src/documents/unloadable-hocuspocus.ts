import { Hocuspocus } from "@hocuspocus/server";

type HookName = Parameters<Hocuspocus["hooks"]>[0];

/**
 * The hooks whose failure keeps a document in memory. Hocuspocus unloads a
 * document only after `onStoreDocument` and `afterStoreDocument` succeed
 * ("Document stays in memory to avoid data loss") and `beforeUnloadDocument`
 * does not throw; nothing retries it later, so one failure pins the document
 * until the next connection to it leaves, which may be never.
 */
const hooksThatPin: ReadonlySet<HookName> = new Set(["onStoreDocument", "afterStoreDocument", "beforeUnloadDocument"]);

/**
 * Hocuspocus whose documents always unload: a failure in one of the
 * {@link hooksThatPin} is reported to `onHookFailed` and otherwise ignored.
 * Tandem can afford that: the durable log appends every edit as it is applied
 * and acknowledges it only once committed, so no store hook guards data that
 * exists nowhere else (an append still in flight when the document unloads
 * commits or fails on its own, and the next load reads whatever committed), and
 * unloading compacts the log. Without it, any error there (a metadata mirror
 * that overflowed the stack on a map nested 5,000 deep, say) would let any
 * editor pin documents in memory for good.
 */
export class UnloadableHocuspocus extends Hocuspocus {
  constructor(
    configuration: ConstructorParameters<typeof Hocuspocus>[0],
    private readonly onHookFailed: (hook: HookName, error: unknown) => void,
  ) {
    super(configuration);
  }

  // biome-ignore lint/suspicious/noExplicitAny: the signature Hocuspocus declares
  override hooks(...args: Parameters<Hocuspocus["hooks"]>): Promise<any> {
    const running = super.hooks(...args);
    const [name] = args;
    if (!hooksThatPin.has(name)) return running;
    return running.catch((error: unknown) => this.onHookFailed(name, error));
  }
}
