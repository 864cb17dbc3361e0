DROP TRIGGER IF EXISTS activity_tally_insert
-- next statement
DROP TRIGGER IF EXISTS activity_tally_update
-- next statement
DROP TRIGGER IF EXISTS activity_tally_delete
-- next statement
DROP TRIGGER IF EXISTS party_tally_insert
-- next statement
DROP TRIGGER IF EXISTS party_tally_update
-- next statement
DROP TRIGGER IF EXISTS party_tally_delete
