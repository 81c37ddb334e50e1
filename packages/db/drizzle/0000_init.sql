CREATE TABLE `access_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`user_id` text NOT NULL,
	`secret_hash` text NOT NULL,
	`role` text NOT NULL,
	`platform_admin` integer DEFAULT false NOT NULL,
	`label` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `access_keys_user_idx` ON `access_keys` (`account_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `integrations` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`target_url` text NOT NULL,
	`headers` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`modified_at` integer NOT NULL,
	`modified_by` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `integrations_account_idx` ON `integrations` (`account_id`);--> statement-breakpoint
CREATE TABLE `notification_types` (
	`notification_type` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`default_template` text NOT NULL,
	`templates` text NOT NULL,
	`default_email_subject` text NOT NULL,
	`created_at` integer NOT NULL,
	`modified_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`type` text NOT NULL,
	`notification_data` text NOT NULL,
	`asset_data` text NOT NULL,
	`payload` text NOT NULL,
	`attachments` text,
	`status` text NOT NULL,
	`long_incident_id` text,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`modified_at` integer NOT NULL,
	`modified_by` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_account_type_created_idx` ON `notifications` (`account_id`,`type`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_account_incident_idx` ON `notifications` (`account_id`,`long_incident_id`);--> statement-breakpoint
CREATE TABLE `subscribers` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`subscriber` text NOT NULL,
	`subscriber_type` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_subscription_subscriber_uq` ON `subscribers` (`subscription_id`,`subscriber_type`,`subscriber`);--> statement-breakpoint
CREATE INDEX `subscribers_account_subscriber_idx` ON `subscribers` (`account_id`,`subscriber_type`,`subscriber`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`class` text NOT NULL,
	`notification_type` text NOT NULL,
	`external_id` text,
	`active` integer NOT NULL,
	`options` text,
	`filters` text,
	`template` text,
	`suppression_interval` integer,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`modified_at` integer NOT NULL,
	`modified_by` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriptions_account_type_idx` ON `subscriptions` (`account_id`,`notification_type`);--> statement-breakpoint
CREATE INDEX `subscriptions_account_external_idx` ON `subscriptions` (`account_id`,`external_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`created_at` integer NOT NULL,
	`modified_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `users_account_idx` ON `users` (`account_id`);