DROP TRIGGER IF EXISTS activity_tally_insert ON activity
-- next statement
DROP TRIGGER IF EXISTS activity_tally_update ON activity
-- next statement
DROP TRIGGER IF EXISTS activity_tally_delete ON activity
-- next statement
DROP TRIGGER IF EXISTS party_tally_insert ON activity_party
-- next statement
DROP TRIGGER IF EXISTS party_tally_update ON activity_party
-- next statement
DROP TRIGGER IF EXISTS party_tally_delete ON activity_party
-- next statement
DROP FUNCTION IF EXISTS tally_activity_rows()
-- next statement
DROP FUNCTION IF EXISTS tally_activity_delete()
-- next statement
DROP FUNCTION IF EXISTS tally_party_rows()
