import { useCallback, useEffect, useMemo, useState } from "react";
import { useTandemConnection } from "../provider/TandemProvider.js";
import { InboxClient } from "./client.js";

/** What {@link useFollowing} gives. */
export interface FollowingState {
  /** Whether the local user follows the document; null until the server answered (or if it could not). */
  readonly following: boolean | null;
  /** Follows or unfollows; resolves once stored. */
  setFollowing(following: boolean): Promise<void>;
}

/**
 * Whether the local user follows `document` (a follower hears of a spec's
 * status changes; writers, commenters and owners follow by default), and the
 * way to change it. See docs/notifications.md.
 *
 * @example
 * ```tsx
 * const { following, setFollowing } = useFollowing("spec/42");
 * return <button onClick={() => setFollowing(!following)}>{following ? "Unfollow" : "Follow"}</button>;
 * ```
 */
export function useFollowing(document: string): FollowingState {
  const connection = useTandemConnection();
  const client = useMemo(() => new InboxClient(connection), [connection]);
  const [following, setState] = useState<boolean | null>(null);
  useEffect(() => {
    let current = true;
    setState(null);
    client.isFollowing(document).then(
      (value) => current && setState(value),
      () => current && setState(null),
    );
    return () => {
      current = false;
    };
  }, [client, document]);
  const setFollowing = useCallback(
    async (value: boolean) => {
      await client.setFollowing(document, value);
      setState(value);
    },
    [client, document],
  );
  return { following, setFollowing };
}
