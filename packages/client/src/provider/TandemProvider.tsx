import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from "react";
import { TandemClientError } from "../errors.js";
import type { TandemUserInput } from "../identity.js";
import { useUnsavedChangesWarning } from "../status/unsaved-changes.js";
import { TandemConnection, type TandemConnectionOptions } from "./connection.js";
import type { TandemDocument } from "./document.js";

const TandemContext = createContext<TandemConnection | null>(null);

/** Props of {@link TandemProvider}. */
export interface TandemProviderProps {
  /** The server's collaboration endpoint, `ws(s)://host/collab`. */
  readonly url: string;
  /**
   * A JWT signed with the server's secret. Omit it when the server runs in dev
   * mode: `user` is then sent as the dev token. A new value is used from the
   * next (re)connection, and reconnects at once if the old one was refused.
   */
  readonly token?: string | null;
  /**
   * Fetches a fresh token when the server refuses the current one (close code
   * 4401, usually an expired JWT). Without it, the connection stops until a
   * new `token` is passed.
   */
  readonly getToken?: () => string | Promise<string>;
  /**
   * The local user (name and colour as others see them) where the token does
   * not say: in dev mode without a token it is the identity; with a JWT the
   * token's claims win, since the server goes by them.
   */
  readonly user?: TandemUserInput;
  /** Warn before the page closes while edits are not yet saved on the server. Default `true`. */
  readonly warnOnUnsavedChanges?: boolean;
  /** Further connection options (backoff, a WebSocket implementation). Read once. */
  readonly options?: Omit<TandemConnectionOptions, "url" | "token" | "getToken" | "user">;
  readonly children?: ReactNode;
}

/**
 * Connects the components inside it to a Tandem server over one shared
 * WebSocket: every `<CollaborativeEditor>`, `<CommentsSidebar>`,
 * `<PresenceAvatars>` and `<ConnectionStatus>` below uses it.
 *
 * @example
 * ```tsx
 * <TandemProvider url="wss://tandem.example.com/collab" token={token} getToken={fetchToken}>
 *   <ConnectionStatus document="spec/42" />
 *   <PresenceAvatars document="spec/42" />
 *   <CollaborativeEditor document="spec/42" />
 *   <CommentsSidebar document="spec/42" />
 * </TandemProvider>
 * ```
 */
export function TandemProvider(props: TandemProviderProps): ReactNode {
  const { url, token, user, getToken, warnOnUnsavedChanges = true, options, children } = props;
  const initial = useRef({ token, getToken, options });
  const userKey = JSON.stringify([user?.id, user?.name, user?.color]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new connection only for a new server or a new user; the token is passed on below
  const connection = useMemo(
    () =>
      new TandemConnection({
        ...initial.current.options,
        url,
        ...(initial.current.token !== undefined ? { token: initial.current.token } : {}),
        ...(initial.current.getToken ? { getToken: initial.current.getToken } : {}),
        ...(user ? { user } : {}),
      }),
    [url, userKey],
  );
  useEffect(() => connection.retain(), [connection]);
  useEffect(() => {
    if (token) connection.setToken(token);
  }, [connection, token]);
  useEffect(() => {
    connection.setTokenRefresher(getToken);
  }, [connection, getToken]);
  useUnsavedChangesWarning(connection, warnOnUnsavedChanges);
  return <TandemContext.Provider value={connection}>{children}</TandemContext.Provider>;
}

/**
 * The connection of the nearest {@link TandemProvider}.
 *
 * @throws TandemClientError `invalid-argument` outside a provider.
 */
export function useTandemConnection(): TandemConnection {
  const connection = useContext(TandemContext);
  if (!connection) throw new TandemClientError("invalid-argument", "Tandem components must be inside <TandemProvider>");
  return connection;
}

/**
 * Opens a document on the shared connection for as long as the calling
 * component is mounted (components showing the same document share it).
 * `null` until it is open (the first render), and for no name.
 *
 * @example
 * ```tsx
 * function WordCount({ name }: { name: string }) {
 *   const document = useTandemDocument(name);
 *   return <span>{document ? document.fragment.length : "…"}</span>;
 * }
 * ```
 */
export function useTandemDocument(name: string | null | undefined): TandemDocument | null {
  const connection = useTandemConnection();
  const [document, setDocument] = useState<TandemDocument | null>(null);
  useEffect(() => {
    if (!name) return;
    const lease = connection.openDocument(name);
    setDocument(lease.document);
    return lease.release;
  }, [connection, name]);
  return document?.name === name ? document : null;
}
