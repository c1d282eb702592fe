-- Custom SQL migration file, put your code below! --
-- Messages written before branches existed were a straight line: each follows the one before it.
UPDATE `messages` SET `parent_id` = (
	SELECT `p`.`id` FROM `messages` AS `p`
	WHERE `p`.`conversation_id` = `messages`.`conversation_id` AND `p`.`position` < `messages`.`position`
	ORDER BY `p`.`position` DESC LIMIT 1
) WHERE `parent_id` IS NULL;
--> statement-breakpoint
-- Full-text index of message text for search; rowid follows the messages table's rowid.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(`content`, `conversation_id` UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO `messages_fts` (`rowid`, `content`, `conversation_id`)
	SELECT `rowid`, `content`, `conversation_id` FROM `messages` WHERE `deleted_at` IS NULL AND `role` != 'system';
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` WHEN new.`role` != 'system' BEGIN
	INSERT INTO `messages_fts` (`rowid`, `content`, `conversation_id`) VALUES (new.`rowid`, new.`content`, new.`conversation_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `content`, `deleted_at` ON `messages` BEGIN
	DELETE FROM `messages_fts` WHERE `rowid` = old.`rowid`;
	INSERT INTO `messages_fts` (`rowid`, `content`, `conversation_id`)
		SELECT new.`rowid`, new.`content`, new.`conversation_id` WHERE new.`deleted_at` IS NULL AND new.`role` != 'system';
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
	DELETE FROM `messages_fts` WHERE `rowid` = old.`rowid`;
END;
