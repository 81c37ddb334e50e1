CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`integration_id` text NOT NULL,
	`kind` text NOT NULL,
	`since` integer NOT NULL,
	`status` text NOT NULL,
	`matched` integer DEFAULT 0 NOT NULL,
	`requeued` integer DEFAULT 0 NOT NULL,
	`cursor` text DEFAULT '' NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`modified_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_account_idx` ON `jobs` (`account_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_active_uq` ON `jobs` (`integration_id`,`kind`) WHERE "jobs"."status" IN ('queued', 'running');--> statement-breakpoint
CREATE INDEX `jobs_status_modified_idx` ON `jobs` (`status`,`modified_at`);--> statement-breakpoint
DROP INDEX `deliveries_destination_status_idx`;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `skip_reason` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `trigger` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `job_id` text;--> statement-breakpoint
CREATE INDEX `deliveries_destination_status_modified_idx` ON `deliveries` (`destination`,`status`,`modified_at`);--> statement-breakpoint
ALTER TABLE `delivery_attempts` ADD `trigger` text;--> statement-breakpoint
ALTER TABLE `delivery_attempts` ADD `job_id` text;