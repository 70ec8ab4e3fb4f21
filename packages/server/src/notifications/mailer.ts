import { createTransport } from "nodemailer";
import type { DigestMail } from "./digest-mail.js";

/** Sends one email; rejects when the SMTP server did not take it. */
export interface Mailer {
  send(to: string, mail: DigestMail, unsubscribeUrl: string): Promise<void>;
  close(): void;
}

/**
 * Email over SMTP with nodemailer, from `from`. Every message carries
 * `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058), so that mail
 * clients offer their own one-click unsubscribe.
 */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = createTransport(smtpUrl);
  return {
    async send(to, mail, unsubscribeUrl) {
      await transport.sendMail({
        from,
        to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: {
          "List-Unsubscribe": `<${unsubscribeUrl}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
      });
    },
    close: () => transport.close(),
  };
}
