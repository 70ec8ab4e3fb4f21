import type { Notification } from "@tandem/persistence";
import { describe, expect, it } from "vitest";
import { renderDigest } from "./digest-mail.js";

const notification = (overrides: Partial<Notification>): Notification => ({
  id: "1",
  tenant: "default",
  recipient: "grace",
  kind: "mention",
  document: "spec/42",
  threadId: "t1",
  commentId: "c1",
  actor: "ada",
  actorName: "Ada",
  excerpt: "Have a look",
  createdAt: new Date(),
  readAt: null,
  ...overrides,
});

const parts = {
  linkOf: (n: Notification) => `https://tandem.example.com/#/d/${n.document}?thread=${n.threadId}`,
  titles: new Map([["spec/42", "Offline sync"]]),
  unsubscribeUrl: "https://tandem.example.com/api/email/unsubscribe?token=x.y",
};

describe("digest mail", () => {
  it("says who did what where, with links, in text and HTML", () => {
    const mail = renderDigest([notification({})], parts);
    expect(mail.subject).toBe("Ada mentioned you in Offline sync");
    expect(mail.text).toContain("https://tandem.example.com/#/d/spec/42?thread=t1");
    expect(mail.text).toContain('"Have a look"');
    expect(mail.text).toContain(`Stop these emails: ${parts.unsubscribeUrl}`);
    expect(mail.html).toContain('<a href="https://tandem.example.com/#/d/spec/42?thread=t1">');
    expect(renderDigest([notification({}), notification({ id: "2", kind: "status" })], parts).subject).toBe(
      "2 unread notifications in Tandem",
    );
  });

  it("escapes what people wrote, and keeps a subject on one line", () => {
    const mail = renderDigest(
      [notification({ actorName: "Eve\r\nBcc: victim@example.com", excerpt: '<img src=x onerror="alert(1)">' })],
      parts,
    );
    expect(mail.subject).toBe("Eve Bcc: victim@example.com mentioned you in Offline sync");
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;");
  });
});
