import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** A message as the SMTP server received it, its quoted-printable bodies decoded. */
export interface ReceivedMail {
  readonly to: readonly string[];
  /** The whole message: headers and every part, soft line breaks and `=XX` escapes undone. */
  readonly text: string;
}

/** A real SMTP server on 127.0.0.1 (port 0) that keeps what it receives. */
export interface SmtpReceiver {
  readonly url: string;
  readonly received: ReceivedMail[];
  /** The mail sent to `address`, in the order received. */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

// Quoted-printable (RFC 2045): "=" at a line's end joins it to the next; "=XX" is a byte.
function decodeQuotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, "");
  const bytes = Buffer.from(
    joined.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    "latin1",
  );
  return bytes.toString("utf8");
}

/** Starts an SMTP server without TLS or authentication, as a loopback test needs. */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ["AUTH", "STARTTLS"],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          text: decodeQuotedPrintable(Buffer.concat(chunks).toString("latin1")),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: (address) => received.filter((mail) => mail.to.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
