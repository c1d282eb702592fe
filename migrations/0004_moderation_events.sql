CREATE TABLE `moderation_events` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`conversation_id` text,
	`check` text NOT NULL,
	`category` text NOT NULL,
	`excerpt` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `moderation_events_created` ON `moderation_events` (`created_at`);