export type { CloseCode, CloseCodeName, RetryPolicy } from "./close-codes.js";
export { CloseCodes, closeCodeFor } from "./close-codes.js";
export {
  COMMENTS_SUFFIX,
  commentsDocumentName,
  isValidDocumentName,
  MAX_DOCUMENT_NAME_LENGTH,
  parseDocumentName,
} from "./document-names.js";
export type { Permissions, Role } from "./roles.js";
export { isRole, permissionsOf, Roles } from "./roles.js";
