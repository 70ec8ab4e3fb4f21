export type { AuthoredRange, IdRange } from "./attribution.js";
export type { AuditEntry, AuditLog, AuditQuery, NewAuditEntry } from "./audit/store.js";
export type { PersistenceErrorCode } from "./errors.js";
export { isPersistenceError, PersistenceError } from "./errors.js";
export type {
  DigestBatch,
  EmailMode,
  InboxQuery,
  NewNotification,
  Notification,
  NotificationKind,
  NotificationStore,
  Person,
  PersonProfile,
} from "./notifications/store.js";
export { EmailModes, NotificationKinds } from "./notifications/store.js";
export type { CommitBatch, StoreOptions } from "./options.js";
export type { PGliteStoreOptions } from "./pglite.js";
export { createPGliteStore } from "./pglite.js";
export type { BackupSummary } from "./pglite-backup.js";
export { backupPGlite, restorePGlite } from "./pglite-backup.js";
export type { PostgresStoreOptions } from "./postgres.js";
export { createPostgresStore } from "./postgres.js";
export type {
  NewShareLink,
  Redemption,
  ShareGrant,
  ShareLink,
  ShareLinkStore,
  ShareLinkUser,
  ShareRole,
} from "./sharing/store.js";
export { ShareRoles } from "./sharing/store.js";
export type {
  AppendOptions,
  Attribution,
  AuthorProfile,
  CompactionResult,
  CompactOptions,
  CreatedVersion,
  CreateVersionOptions,
  DocumentInfo,
  DocumentMetadata,
  DocumentStore,
  JsonValue,
  ListOptions,
  ListSort,
  LoadResult,
  MetadataScalar,
  TandemStore,
  VersionInfo,
  VersionKind,
} from "./store.js";
export { MAX_SEARCH_TEXT_LENGTH, VersionKinds } from "./store.js";
export { DEFAULT_TENANT } from "./tenant.js";
export type { DecodedUpdate } from "./validate-update.js";
export { validateUpdate } from "./validate-update.js";
export type {
  AttemptOutcome,
  ClaimedDelivery,
  DeliveryAttempt,
  DeliveryInfo,
  DeliveryStatus,
  NewWebhookSubscription,
  OutgoingEvent,
  WebhookStore,
  WebhookSubscription,
} from "./webhooks/store.js";
