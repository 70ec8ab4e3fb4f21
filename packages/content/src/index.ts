export type { DocumentContent } from "./document.js";
export { contentNode, readDocumentContent, writeDocumentContent } from "./document.js";
export type { TandemContentErrorCode } from "./errors.js";
export { TandemContentError } from "./errors.js";
export type { ContentExtensionsOptions, ContentLinkOptions } from "./extensions.js";
export { contentExtensions, contentSchema, defaultContentExtensions } from "./extensions.js";
export { fromHTML, fromMarkdown, toHTML, toMarkdown } from "./formats.js";
export { isSafeLinkHref, SAFE_LINK_PROTOCOLS } from "./links.js";
