/** A reader of `GET /api/inbox/stream`: the unread counts it announced, in order. */
export interface InboxStream {
  readonly counts: number[];
  close(): void;
}

/**
 * Opens the inbox's Server-Sent Events stream with `fetch` (as the client kit
 * does: it sends the bearer token) and records every `unread` event.
 */
export async function openInboxStream(baseUrl: string, token: string): Promise<InboxStream> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/api/inbox/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`stream answered ${response.status}`);
  const counts: number[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffered = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += value;
        let end = buffered.indexOf("\n\n");
        while (end >= 0) {
          const lines = buffered.slice(0, end).split("\n");
          buffered = buffered.slice(end + 2);
          end = buffered.indexOf("\n\n");
          const data = lines.find((line) => line.startsWith("data:"));
          if (lines.includes("event: unread") && data) counts.push(JSON.parse(data.slice(5)).unread);
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return { counts, close: () => abort.abort() };
}
