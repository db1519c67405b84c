-- Schema v19: districts drawn by the town's administrators. An outline being changed waits here
-- (even one that cannot be used yet, to be corrected) until it is saved, with a preview of the
-- shops that would move.
ALTER TABLE districts ADD COLUMN draft_boundary TEXT;
