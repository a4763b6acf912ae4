-- A direct line mapped to an extension (its last digits): dialling the extension reaches the
-- number. An extension is one number's at a time within an organisation.
ALTER TABLE pool_numbers ADD COLUMN extension TEXT;
CREATE UNIQUE INDEX pool_numbers_org_extension ON pool_numbers (org_id, extension)
    WHERE extension IS NOT NULL;
