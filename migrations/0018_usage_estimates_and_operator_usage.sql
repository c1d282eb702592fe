CREATE TABLE `operator_usage` (
	`id` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`conversation_id` text,
	`model` text NOT NULL,
	`provider` text NOT NULL,
	`input_tokens` integer NOT NULL,
	`output_tokens` integer NOT NULL,
	`cost_usd` real NOT NULL,
	`estimated` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `operator_usage_created` ON `operator_usage` (`created_at`);--> statement-breakpoint
ALTER TABLE `messages` ADD `usage_estimated` integer DEFAULT false NOT NULL;