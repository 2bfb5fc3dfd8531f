-- Follows, blocks and follow counters (GraphStore).

-- One row per follow. The primary key is the "following" direction: followees(), followeeIds(), isFollowing() and
-- followedAt() are ranges or probes on it.
CREATE TABLE follows (
  follower_id bigint NOT NULL,
  followee_id bigint NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (follower_id, followee_id)
);

-- The "followers" direction: fan-out pages a celebrity's followers by keyset (followee_id = $1 AND follower_id > $2
-- ORDER BY follower_id LIMIT n) as an index-only scan, never OFFSET.
CREATE UNIQUE INDEX follows_followee_key ON follows (followee_id, follower_id);

-- blocker -> blocked. "Blocked either way" is two probes of the primary key, so no reverse index is needed.
CREATE TABLE blocks (
  blocker_id bigint NOT NULL,
  blocked_id bigint NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
);

-- Exact follower/following counts, changed in the same statement as the follows they count. COUNT(*) over the
-- follows indexes would be exact too, but reads a celebrity's millions of index entries on every profile view; a
-- counter row costs one row lock per follow instead. Rows are always updated in ascending user_id order, so
-- concurrent follows never deadlock.
CREATE TABLE follow_counts (
  user_id bigint PRIMARY KEY,
  followers bigint NOT NULL DEFAULT 0,
  following bigint NOT NULL DEFAULT 0
);
