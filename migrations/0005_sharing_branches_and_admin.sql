CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_created` ON `audit_log` (`created_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `share_links` (
	`token` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`mode` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `share_links_conversation` ON `share_links` (`conversation_id`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `active_leaf_id` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `forked_from` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `author_id` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `deleted_at` integer;--> statement-breakpoint
CREATE INDEX `messages_parent` ON `messages` (`parent_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `banned_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `rate_limit` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `rate_window_seconds` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `monthly_tokens` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `monthly_cost_usd` real;