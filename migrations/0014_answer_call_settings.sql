ALTER TABLE `messages` ADD `call_settings` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `delta_marks` text;