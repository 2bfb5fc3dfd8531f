-- A version of the set of pulled authors, moved by every row added to, changed in or removed from pulled_authors and
-- by TRUNCATE, in the same transaction as the change, whoever writes it (UserStore.markPulled, COPY, a hand-written
-- fix). Marking an author already marked adds no row and leaves the version alone. PostgresHomeContextStore keeps
-- each reader's pulled followees per process and reuses them while this version and the reader's following_version
-- (migration 006) are the ones it read them at.
CREATE TABLE pulled_authors_version (
  -- One row: the key can only be true.
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  version bigint NOT NULL
);
INSERT INTO pulled_authors_version (version) VALUES (0);

-- SET search_path FROM CURRENT: the trigger runs with the writer's search_path, the function with this schema's.
CREATE FUNCTION pulled_authors_changed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE pulled_authors_version SET version = version + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER pulled_authors_changed AFTER INSERT OR UPDATE OR DELETE ON pulled_authors
  FOR EACH ROW EXECUTE FUNCTION pulled_authors_changed();
CREATE TRIGGER pulled_authors_truncated AFTER TRUNCATE ON pulled_authors
  FOR EACH STATEMENT EXECUTE FUNCTION pulled_authors_changed();
