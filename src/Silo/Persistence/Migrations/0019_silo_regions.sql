-- Each silo's region beside its membership row, written by the silo once it has joined (Orleans' own membership
-- statements leave the column alone). API hosts read it to prefer their own region's gateways; rows go with their
-- silos when Orleans cleans up defunct entries.
ALTER TABLE membership_silo ADD COLUMN IF NOT EXISTS region text NULL;
