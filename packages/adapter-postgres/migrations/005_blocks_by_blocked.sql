-- blockedIds(): a user's blocks either way are read once per home-timeline read, so the blocked side needs an index
-- of its own (the primary key serves the blocker side).
CREATE INDEX blocks_by_blocked ON blocks (blocked_id, blocker_id);
