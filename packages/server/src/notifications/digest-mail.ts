import type { Notification, NotificationKind } from "@tandem/persistence";

/** A digest, ready to send. */
export interface DigestMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const what: Record<NotificationKind, string> = {
  mention: "mentioned you",
  reply: "replied in a thread you took part in",
  owner: "made you the owner",
  status: "changed the status",
  suggestion: "suggested a change",
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.codePointAt(0)};`);

/** How a digest shows its notifications. */
export interface DigestParts {
  /** The link of a notification's place. */
  readonly linkOf: (notification: Notification) => string;
  /** Document titles by name; a document without one is shown by its name. */
  readonly titles: ReadonlyMap<string, string>;
  readonly unsubscribeUrl: string;
}

/** One line of a digest, in words: "Bob mentioned you in Offline sync". */
function describe(notification: Notification, titles: ReadonlyMap<string, string>): string {
  const who = notification.actorName ?? notification.actor ?? "Someone";
  // Names come from documents (anyone's text): one line, so that a subject can never grow a header.
  const line = `${who} ${what[notification.kind]} in ${titles.get(notification.document) ?? notification.document}`;
  return line.replace(/\s+/g, " ");
}

/**
 * The digest of a person's unread notifications, as plain text and HTML
 * (everything from documents is escaped: comments are anyone's text), each
 * with a link to its place, and the unsubscribe link at the end.
 */
export function renderDigest(notifications: readonly Notification[], parts: DigestParts): DigestMail {
  const { linkOf, titles, unsubscribeUrl } = parts;
  const count = notifications.length;
  const subject =
    count === 1 ? describe(notifications[0] as Notification, titles) : `${count} unread notifications in Tandem`;
  const text = [
    `You have ${count} unread notification${count === 1 ? "" : "s"} in Tandem:`,
    "",
    ...notifications.flatMap((notification) => [
      `- ${describe(notification, titles)}`,
      ...(notification.excerpt ? [`  "${notification.excerpt}"`] : []),
      `  ${linkOf(notification)}`,
    ]),
    "",
    `Stop these emails: ${unsubscribeUrl}`,
  ].join("\n");
  const items = notifications
    .map((notification) => {
      const excerpt = notification.excerpt ? `<br><q>${escapeHtml(notification.excerpt)}</q>` : "";
      return `<li><a href="${escapeHtml(linkOf(notification))}">${escapeHtml(describe(notification, titles))}</a>${excerpt}</li>`;
    })
    .join("\n");
  const html = `<!doctype html>
<html><body style="font-family: system-ui, sans-serif">
<p>You have ${count} unread notification${count === 1 ? "" : "s"} in Tandem:</p>
<ul>
${items}
</ul>
<p style="color: #666; font-size: small"><a href="${escapeHtml(unsubscribeUrl)}">Stop these emails</a></p>
</body></html>`;
  return { subject, text, html };
}
