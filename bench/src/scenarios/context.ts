import type { ContenderName } from "../contenders/index.js";

/** What every scenario gets from the harness. */
export interface ScenarioContext {
  /** Tiny scale: seconds instead of minutes, for the smoke test. */
  readonly smoke: boolean;
  /** Only these contenders (default: every one the scenario applies to). */
  readonly contenders?: readonly ContenderName[];
  /** Progress lines for the person watching. */
  log(message: string): void;
}
