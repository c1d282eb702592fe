-- Custom migration: accounts made by a GitHub or Google sign-in (the only ones without a password)
-- were made from an address the provider had verified, so they count as verified from the start.
UPDATE `users` SET `email_verified_at` = `created_at`
WHERE `kind` = 'user' AND `email` IS NOT NULL AND `password_hash` IS NULL AND `email_verified_at` IS NULL;
