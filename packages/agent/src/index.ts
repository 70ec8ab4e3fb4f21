// @tandem/agent: programs as named collaborators in a Tandem document. See docs/programs.md.

export type { DocumentContent } from "@tandem/content";
export type { Proposal } from "@tandem/protocol";
export type { JoinOptions } from "./collaborator.js";
export { Collaborator, joinDocument } from "./collaborator.js";
export type { TandemAgentErrorCode } from "./errors.js";
export { isTandemAgentError, TandemAgentError } from "./errors.js";
export type { Quote, QuoteInput } from "./quotes.js";
export type { SectionPosition } from "./sections.js";
