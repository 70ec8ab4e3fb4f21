import { clearLocalData, Inbox, TandemProvider } from "@tandem/client";
import type { SessionInfo } from "@tandem/protocol";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, createApi } from "./api.js";
import { DocumentPage } from "./document/DocumentPage.js";
import { OpenShareLink } from "./document/OpenShareLink.js";
import {
  devToken,
  forgetIdentity,
  forgetToken,
  loadProfile,
  type Profile,
  rememberedSession,
  rememberSession,
  saveProfile,
  storedToken,
  takeTokenFromUrl,
} from "./identity.js";
import { DocumentList } from "./list/DocumentList.js";
import { ProfileDialog } from "./ProfileDialog.js";
import { navigate, useRoute } from "./route.js";
import { SignOutButton } from "./SignOutButton.js";
import { Avatar } from "./ui/Avatar.js";
import { ThemeToggle } from "./ui/ThemeToggle.js";

/** What the page knows about who is here. */
type Boot =
  | { readonly state: "loading" }
  | { readonly state: "ready"; readonly token: string | undefined; readonly session: SessionInfo }
  | { readonly state: "pick-profile" }
  | { readonly state: "signed-out"; readonly reason: "missing" | "refused"; readonly message?: string }
  | { readonly state: "unreachable"; readonly message: string };

takeTokenFromUrl();

/** The server's collaboration WebSocket: the same host that served the page (Vite's dev server forwards it). */
function collabUrl(): string {
  return `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}/collab`;
}

/**
 * Finds out who is here: a token from the link wins; otherwise a dev-mode
 * server accepts the name and color picked in this browser; otherwise the
 * person needs a link with a token.
 */
async function boot(token: string | undefined, profile: Profile | undefined): Promise<Boot> {
  const credential = token ?? (profile ? devToken(profile) : undefined);
  try {
    const session = await createApi(credential).session();
    if (session.devMode && token === undefined && profile === undefined) return { state: "pick-profile" };
    rememberSession(credential, session);
    return { state: "ready", token: credential, session };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // Offline: the person this browser last signed in as, so that documents kept on this device open.
    const remembered = error.code === "network" ? rememberedSession(credential) : undefined;
    if (remembered) return { state: "ready", token: credential, session: remembered };
    if (error.status === 401) {
      // A token from a link that no longer works (expired, or for another server):
      // fall back to a dev-mode profile if this server has one, else explain.
      if (token !== undefined) {
        forgetToken();
        const retry = await boot(undefined, profile);
        return retry.state === "signed-out"
          ? { state: "signed-out", reason: "refused", message: error.message }
          : retry;
      }
      return { state: "signed-out", reason: "missing" };
    }
    return { state: "unreachable", message: error.message };
  }
}

/** What the sign-in page tells whoever runs the server to type (a test runs it as printed). */
const tokenCommand = `node packages/server/dist/cli.js token --sub you --name "Your Name" --access '*=editor'`;

function SignedOut({ reason, message }: { reason: "missing" | "refused"; message?: string }) {
  return (
    <main className="center-page" data-testid="signed-out">
      <div className="card stack">
        <h1>{reason === "refused" ? "This link no longer works" : "Sign-in needed"}</h1>
        <p>
          {reason === "refused"
            ? "The access token in your link was refused (it may have expired). Ask for a fresh link."
            : "This Tandem server only lets people in with an access token. Open the link you were given: it ends in #token=…"}
        </p>
        {message && <p className="muted">Server said: {message}</p>}
        <p className="muted">
          Running the server yourself? In Tandem's folder, with the server's <code>AUTH_SECRET</code> set, this prints a
          token to open as <code>/#token=&lt;token&gt;</code>:
        </p>
        <p>
          <code data-testid="token-command">{tokenCommand}</code>
        </p>
      </div>
    </main>
  );
}

export function App() {
  const [profile, setProfile] = useState(loadProfile);
  const [state, setState] = useState<Boot>({ state: "loading" });
  const [editingProfile, setEditingProfile] = useState(false);
  const route = useRoute();

  const start = useCallback((next: Profile | undefined) => {
    boot(storedToken(), next).then(setState, (error: unknown) =>
      setState({ state: "unreachable", message: String(error) }),
    );
  }, []);

  useEffect(() => start(profile), [start, profile]);

  // A new link with a token pasted into this tab changes only the hash: sign in again with it.
  useEffect(() => {
    const onHashChange = () => {
      if (takeTokenFromUrl()) start(profile);
    };
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, [start, profile]);

  const ready = state.state === "ready" ? state : undefined;
  const api = useMemo(() => createApi(ready?.token), [ready?.token]);

  const saveAndRestart = (name: string, color: string) => {
    setEditingProfile(false);
    setProfile(saveProfile(name, color));
  };

  // The connection is destroyed by then (SignOutButton): delete what it kept on this device, and who this was.
  const signOut = (userId: string) => {
    forgetIdentity();
    clearLocalData({ url: collabUrl(), userId }).catch((error: unknown) => {
      console.error("[tandem] could not clear this device's copies", error);
    });
    setEditingProfile(false);
    setState({ state: "loading" });
    // A new profile starts over through the effect above; without one, start here.
    if (profile) setProfile(undefined);
    else start(undefined);
  };

  if (state.state === "loading") return <main className="center-page muted">Loading…</main>;
  if (state.state === "signed-out") return <SignedOut reason={state.reason} message={state.message} />;
  if (state.state === "unreachable") {
    return (
      <main className="center-page">
        <div className="card stack" role="alert">
          <h1>Tandem is not reachable</h1>
          <p className="muted">{state.message}</p>
          <button type="button" className="button button-primary" onClick={() => start(profile)}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (state.state === "pick-profile") {
    return (
      <main className="center-page">
        <ProfileDialog open profile={undefined} onSave={saveAndRestart} />
      </main>
    );
  }

  const { session, token } = state;
  return (
    <TandemProvider url={collabUrl()} token={token} user={session.user}>
      <div className="app">
        <header className="topbar">
          <a className="brand" href="#/" data-testid="home-link">
            <img src="/favicon.svg" alt="" width="24" height="24" />
            <span>Tandem</span>
          </a>
          <div className="topbar-end">
            <Inbox
              onOpen={(notification) =>
                navigate({
                  page: "document",
                  name: notification.document,
                  ...(notification.threadId ? { thread: notification.threadId } : {}),
                })
              }
            />
            <ThemeToggle />
            {session.devMode ? (
              <button
                type="button"
                className="user-chip"
                data-testid="profile-button"
                aria-label={`Signed in as ${session.user.name}. Change name and color`}
                onClick={() => setEditingProfile(true)}
              >
                <Avatar user={session.user} size="sm" />
                <span className="user-chip-name">{session.user.name}</span>
              </button>
            ) : (
              <span className="user-chip" data-testid="signed-in-user">
                <Avatar user={session.user} size="sm" />
                <span className="user-chip-name">{session.user.name}</span>
              </span>
            )}
            <SignOutButton onSignedOut={signOut} />
          </div>
        </header>
        {route.page === "document" ? (
          <DocumentPage key={route.name} api={api} name={route.name} thread={route.thread} session={session} />
        ) : route.page === "share" ? (
          <OpenShareLink key={route.secret} secret={route.secret} />
        ) : (
          <DocumentList api={api} session={session} />
        )}
        {session.devMode && editingProfile && (
          <ProfileDialog open profile={profile} onSave={saveAndRestart} onClose={() => setEditingProfile(false)} />
        )}
      </div>
    </TandemProvider>
  );
}
