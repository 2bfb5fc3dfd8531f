-- Posts, reposts, replies, likes and their counters (PostStore). No foreign keys: each store is usable on its own
-- (the engine checks that authors and posts exist before writing), and a key on every like or post would cost a
-- lookup per write on the hottest tables.

CREATE TABLE posts (
  -- A Snowflake id: id order is creation order, so every listing sorts and pages by id.
  id bigint PRIMARY KEY CHECK (id >= 0),
  author_id bigint NOT NULL,
  text text NOT NULL,
  created_at bigint NOT NULL,
  reply_to_post_id bigint,
  reply_to_author_id bigint,
  repost_of_post_id bigint,
  repost_of_author_id bigint,
  mentions bigint[] NOT NULL,
  media text[] NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  -- PostgreSQL text cannot hold U+0000. The engine never stores it (validation refuses control characters), but the
  -- PostStore port keeps text verbatim, so a post whose text or media contains NUL is stored with \ written as \\
  -- and NUL as \0, and this flag set. Every other post is stored exactly as given.
  nul_escaped boolean NOT NULL DEFAULT false,
  CONSTRAINT posts_reply_ref CHECK ((reply_to_post_id IS NULL) = (reply_to_author_id IS NULL)),
  CONSTRAINT posts_repost_ref CHECK ((repost_of_post_id IS NULL) = (repost_of_author_id IS NULL))
);

-- Author timelines (byAuthor) and the pull path (byAuthors: one index range per author, newest first). Partial, so
-- deleted posts cost nothing on reads and the index holds only what can be shown.
CREATE INDEX posts_author_live ON posts (author_id, id DESC) WHERE NOT deleted;

-- At most one live repost per (original, author); insert() relies on it (ON CONFLICT DO NOTHING) instead of a
-- check-then-write race. Also serves findReposts (original = $1 AND author = ANY($2)).
CREATE UNIQUE INDEX posts_live_repost_key ON posts (repost_of_post_id, author_id)
  WHERE repost_of_post_id IS NOT NULL AND NOT deleted;

-- Live posts per author (countByAuthor), updated in the same statement as the insert or delete that changes it.
CREATE TABLE post_counts (
  author_id bigint PRIMARY KEY,
  posts bigint NOT NULL
);

-- One like per (post, user); the primary key answers getLike and unlike.
CREATE TABLE likes (
  post_id bigint NOT NULL,
  user_id bigint NOT NULL,
  -- Snowflake id of the like action.
  id bigint NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (post_id, user_id)
);

-- Likes per post for hydrate(), kept in step by like/unlike in the same statement. A narrow table of its own, so a
-- viral post's likes update a 40-byte row (HOT updates, no index change) instead of rewriting the post row.
CREATE TABLE like_counts (
  post_id bigint PRIMARY KEY,
  likes bigint NOT NULL
);
