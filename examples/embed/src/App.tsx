import {
  CollaborativeEditor,
  CommentsSidebar,
  ConnectionStatus,
  PresenceAvatars,
  TandemProvider,
} from "@tandem/client";
import { useTandemGrant } from "./tandem-token.js";

/** The ticket this page shows; its notes are the Tandem document `ticket/1042`. */
const ticket = { id: 1042, title: "Checkout button does nothing on Safari 17", customer: "Northwind Traders" };

/** The Tandem document holding this ticket's notes: any name the token's `access` allows. */
const notes = `ticket/${ticket.id}`;

const demoUsers = [
  { id: "ada", label: "Ada Lovelace (editor)" },
  { id: "grace", label: "Grace Hopper (commenter)" },
  { id: "linus", label: "Linus Pauling (viewer)" },
];

async function switchUser(id: string): Promise<void> {
  await fetch(`/api/switch-user?user=${encodeURIComponent(id)}`, { method: "POST" });
  window.location.reload();
}

/**
 * A host app (a support desk) with Tandem's editor embedded in one card. All
 * the integration is here: a TandemProvider given the backend's token (and a
 * way to get a fresh one), and the editor for one document name.
 */
export function App() {
  const { grant, error, refresh } = useTandemGrant();
  return (
    <div className="host">
      <nav className="host-nav" aria-label="Acme Support">
        <strong className="host-logo">Acme Support</strong>
        <a href="#inbox">Inbox</a>
        <a href="#tickets" aria-current="page">
          Tickets
        </a>
        <a href="#customers">Customers</a>
      </nav>
      <div className="host-main">
        <header className="host-header">
          <div>
            <p className="host-crumbs">Tickets / #{ticket.id}</p>
            <h1>{ticket.title}</h1>
          </div>
          <label className="host-user">
            Signed in as
            <select
              value={grant?.user.id ?? ""}
              onChange={(event) => void switchUser(event.target.value)}
              aria-label="Signed in as"
            >
              {demoUsers.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.label}
                </option>
              ))}
            </select>
          </label>
        </header>
        {error && <p role="alert">Could not get a Tandem token: {error}</p>}
        {grant && (
          <TandemProvider url={grant.url} token={grant.token} getToken={refresh}>
            <div className="host-grid">
              <div className="host-column">
                <section className="host-card">
                  <h2>Details</h2>
                  <dl>
                    <dt>Customer</dt>
                    <dd>{ticket.customer}</dd>
                    <dt>Priority</dt>
                    <dd>High</dd>
                    <dt>Opened</dt>
                    <dd>Today, 09:12</dd>
                  </dl>
                </section>
                <section className="host-card">
                  <h2>Comments</h2>
                  <CommentsSidebar document={notes} />
                </section>
              </div>
              <section className="host-card host-notes">
                <div className="host-notes-header">
                  <h2>Internal notes</h2>
                  <PresenceAvatars document={notes} />
                  <ConnectionStatus document={notes} />
                </div>
                <CollaborativeEditor document={notes} placeholder="Notes for the team…" />
              </section>
            </div>
          </TandemProvider>
        )}
      </div>
    </div>
  );
}
