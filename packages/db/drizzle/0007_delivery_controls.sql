CREATE TABLE `integration_permits` (
	`integration_id` text NOT NULL,
	`holder` text NOT NULL,
	`count` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`integration_id`, `holder`)
);
--> statement-breakpoint
CREATE INDEX `integration_permits_holder_idx` ON `integration_permits` (`holder`);--> statement-breakpoint
ALTER TABLE `integrations` ADD `rate_limit_per_second` real;--> statement-breakpoint
ALTER TABLE `integrations` ADD `rate_limit_burst` integer;--> statement-breakpoint
ALTER TABLE `integrations` ADD `max_in_flight` integer;--> statement-breakpoint
ALTER TABLE `integrations` ADD `paused_at` integer;--> statement-breakpoint
CREATE INDEX `deliveries_destination_status_idx` ON `deliveries` (`destination`,`status`);