ALTER TABLE `moderation_events` ADD `message_id` text;--> statement-breakpoint
ALTER TABLE `moderation_events` ADD `direction` text DEFAULT 'prompt' NOT NULL;--> statement-breakpoint
ALTER TABLE `moderation_events` ADD `action` text DEFAULT 'refused' NOT NULL;