CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`seq` integer NOT NULL,
	`occurred_at` integer NOT NULL,
	`actor` text NOT NULL,
	`access_key_id` text,
	`token_id` text,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`changes` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_account_seq_idx` ON `audit_events` (`account_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_account_target_idx` ON `audit_events` (`account_id`,`target_type`,`target_id`);