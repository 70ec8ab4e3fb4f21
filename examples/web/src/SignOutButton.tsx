import { useTandemConnection } from "@tandem/client";

/**
 * Signs out: the page forgets who this is and deletes the documents the
 * client kit kept on this device for them, so that the next person at this
 * browser sees none of it. Edits the server has not stored yet go with them,
 * so it asks first.
 */
export function SignOutButton({ onSignedOut }: { onSignedOut: (userId: string) => void }) {
  const connection = useTandemConnection();
  const signOut = () => {
    const waiting = connection.summary.get()?.unsyncedChanges ?? 0;
    if (
      waiting > 0 &&
      !window.confirm(
        `${waiting === 1 ? "1 change is" : `${waiting} changes are`} not on the server yet. Signing out deletes ${waiting === 1 ? "it" : "them"} from this device. Sign out anyway?`,
      )
    ) {
      return;
    }
    // Closed first, so that nothing writes to the copies while they are deleted.
    connection.destroy();
    onSignedOut(connection.user.id);
  };
  return (
    <button type="button" className="button button-ghost" data-testid="sign-out" onClick={signOut}>
      Sign out
    </button>
  );
}
