-- Custom migration: people signed in before sessions existed keep their session. Each live
-- refresh-token family becomes a session with the family's id, so the next refresh finds it.
INSERT OR IGNORE INTO `sessions` (`id`, `user_id`, `created_at`, `revoked_at`)
SELECT `family_id`, `user_id`, MIN(`created_at`), NULL
FROM `refresh_tokens`
WHERE `revoked_at` IS NULL AND `expires_at` > CAST(unixepoch('subsec') * 1000 AS INTEGER)
GROUP BY `family_id`;
