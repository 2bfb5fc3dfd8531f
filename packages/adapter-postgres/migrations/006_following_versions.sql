-- A version of each user's followee list: a fresh value from one sequence every time the user's follows change, set
-- in the same statement as the change (with the `following` counter). Values never repeat, so a cache of a followee
-- list (PostgresHomeContextStore keeps one per process) is exact while its version equals the row's: a home read asks
-- for the list only when the version moved. A new row takes a fresh value too. Adding the column gives every
-- existing row a distinct value (and rewrites follow_counts once).
CREATE SEQUENCE following_versions AS bigint;
ALTER TABLE follow_counts ADD COLUMN following_version bigint NOT NULL DEFAULT nextval('following_versions');
