CREATE TABLE `room_caches` (
	`room_id` text NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`room_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `room_caches_user` ON `room_caches` (`user_id`);