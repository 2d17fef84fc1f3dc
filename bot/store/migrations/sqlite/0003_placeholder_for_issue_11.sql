-- Placeholder: version 3 is the migration of the branch members-admins (issue 11, server
-- scoping and the admin's learning loop), merged before this one. This file only keeps the
-- versions of the branch reminders-phone numbered 1, 2, 3, 4 until then; delete it when
-- that branch's 0003 is merged. It changes nothing.
SELECT 1;
