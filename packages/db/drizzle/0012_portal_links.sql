CREATE TABLE `portal_links` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`role` text NOT NULL,
	`integration_ids` text,
	`embed` integer DEFAULT false NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `portal_links_code_hash_unique` ON `portal_links` (`code_hash`);--> statement-breakpoint
CREATE INDEX `portal_links_account_idx` ON `portal_links` (`account_id`,`created_at`);