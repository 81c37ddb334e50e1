CREATE TABLE `ticket_links` (
	`integration_id` text NOT NULL,
	`account_id` text NOT NULL,
	`incident_key` text NOT NULL,
	`ticket_key` text NOT NULL,
	`ticket_id` text NOT NULL,
	`opening_by` text,
	`opening_until` integer,
	`created_at` integer NOT NULL,
	`modified_at` integer NOT NULL,
	PRIMARY KEY(`integration_id`, `incident_key`)
);
--> statement-breakpoint
CREATE INDEX `ticket_links_account_idx` ON `ticket_links` (`account_id`);--> statement-breakpoint
CREATE INDEX `ticket_links_opening_idx` ON `ticket_links` (`opening_by`);