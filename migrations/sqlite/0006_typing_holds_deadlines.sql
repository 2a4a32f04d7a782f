-- A customer who is typing is not silent: typing holds the pending inactivity deadline for a
-- little while, bounded. `held_from` is the due time it had before typing first held it (NULL
-- when not held); the hold never goes beyond it plus the domain's maximum.
ALTER TABLE deadlines ADD COLUMN held_from INTEGER;
