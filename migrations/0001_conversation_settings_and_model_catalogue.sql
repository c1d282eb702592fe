CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`upstream_id` text NOT NULL,
	`name` text NOT NULL,
	`context` integer NOT NULL,
	`max_output` integer NOT NULL,
	`cap_reasoning` integer DEFAULT false NOT NULL,
	`cap_vision` integer DEFAULT false NOT NULL,
	`cap_tools` integer DEFAULT false NOT NULL,
	`cap_json` integer DEFAULT false NOT NULL,
	`cap_temperature` integer DEFAULT true NOT NULL,
	`price_input` real NOT NULL,
	`price_cached_input` real NOT NULL,
	`price_output` real NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `conversations` ADD `system_prompt` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `pinned_at` integer;