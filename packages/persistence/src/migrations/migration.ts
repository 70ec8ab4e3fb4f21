/** One numbered schema change. Never edit one that has shipped; add the next. */
export interface Migration {
  readonly version: number;
  /** Run in order, in the migrating transaction. One statement each, so no SQL is ever split by guesswork. */
  readonly statements: readonly string[];
}
