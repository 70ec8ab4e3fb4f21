export type {
  CommentCreatedData,
  CommentResolvedData,
  DocumentCreatedData,
  DocumentRemovedData,
  DocumentUpdatedData,
  MentionCreatedData,
  VersionCreatedData,
  WebhookComment,
  WebhookEvent,
  WebhookEventData,
  WebhookEventType,
} from "./events.js";
export { isWebhookEventType, WebhookEventTypes } from "./events.js";
export type { WebhookRequestHeaders, WebhookVerification } from "./signature.js";
export { generateWebhookSecret, signWebhook, verifyWebhook, WebhookHeaders } from "./signature.js";
