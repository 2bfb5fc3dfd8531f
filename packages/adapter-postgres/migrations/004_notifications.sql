-- Raw notifications and read marks (NotificationStore).

CREATE TABLE notifications (
  recipient_id bigint NOT NULL,
  -- Unique per recipient ("like:<post>:<user>", "follow:<user>", ...): the same key is the same notification.
  key text COLLATE "C" NOT NULL,
  -- Snowflake id of the action.
  id bigint NOT NULL CHECK (id >= 0),
  type text NOT NULL CHECK (type IN ('like', 'repost', 'follow', 'reply', 'mention')),
  actor_id bigint NOT NULL,
  post_id bigint,
  -- Milliseconds, carried as a JS number; double precision holds every JS number exactly.
  at double precision NOT NULL,
  PRIMARY KEY (recipient_id, key)
);

-- list(): a recipient's notifications newest first, keyset-paged by id (key breaks ties, as in the memory store).
CREATE INDEX notifications_newest ON notifications (recipient_id, id DESC, key);

-- How far each recipient has read; only ever raised.
CREATE TABLE notification_read_marks (
  recipient_id bigint PRIMARY KEY,
  id bigint NOT NULL CHECK (id >= 0)
);
