ALTER TABLE `notifications` ADD `requeued_at` integer;--> statement-breakpoint
CREATE INDEX `notifications_status_created_idx` ON `notifications` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `deliveries_notification_status_idx` ON `deliveries` (`notification_id`,`status`);