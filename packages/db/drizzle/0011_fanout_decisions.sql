CREATE TABLE `fanout_decisions` (
	`notification_id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`decided_at` integer NOT NULL,
	`decisions` text NOT NULL,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `deliveries_account_created_idx` ON `deliveries` (`account_id`,`created_at`);