/**
 * Where a notification leads on the standalone page (examples/web): the
 * document's route, with the thread to open (`#/d/spec/42?thread=t1`).
 */
export function notificationLink(baseUrl: string, document: string, threadId: string | null): string {
  const path = document.split("/").map(encodeURIComponent).join("/");
  const thread = threadId === null ? "" : `?thread=${encodeURIComponent(threadId)}`;
  return `${baseUrl.replace(/\/+$/, "")}/#/d/${path}${thread}`;
}
