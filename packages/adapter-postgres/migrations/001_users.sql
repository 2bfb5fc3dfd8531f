-- Users and pulled authors. migrate() runs this file in one transaction with search_path set to the target schema,
-- so names are unqualified here.

-- Accounts (UserStore). Ids are unsigned 64-bit in the API and bigint here; the adapter refuses ids above 2^63 - 1
-- before they reach a statement.
CREATE TABLE users (
  id bigint PRIMARY KEY CHECK (id >= 0),
  handle text NOT NULL,
  -- Handles are unique and found without regard to case. The database derives the folded form, so every writer
  -- (INSERT, COPY, a hand-written fix) agrees on it. translate() folds A-Z only, exactly like MemoryUserStore:
  -- lower() would also fold non-ASCII letters under most collations. COLLATE "C" makes equality and the index
  -- bytewise.
  handle_lower text COLLATE "C" NOT NULL
    GENERATED ALWAYS AS (translate(handle, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')) STORED,
  display_name text NOT NULL,
  -- Milliseconds since the Unix epoch, as the API carries them.
  created_at bigint NOT NULL,
  -- PostgreSQL text cannot hold U+0000, but the UserStore port keeps display names verbatim: a name containing NUL
  -- is stored with \ written as \\ and NUL as \0, and this flag set. Handles containing NUL are refused instead.
  nul_escaped boolean NOT NULL DEFAULT false
);

-- getByHandle / getManyByHandle, and what refuses a second "Alice" when "alice" exists.
CREATE UNIQUE INDEX users_handle_lower_key ON users (handle_lower);

-- Authors some of whose posts were not pushed (UserStore.markPulled). Sticky, and independent of the users table:
-- a pulled author need not have a user row in this schema.
CREATE TABLE pulled_authors (
  user_id bigint PRIMARY KEY CHECK (user_id >= 0)
);
