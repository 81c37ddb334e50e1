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
CREATE TABLE `captured_emails` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`delivery_id` text,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`html` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `captured_emails_account_created_idx` ON `captured_emails` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`notification_id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`channel` text NOT NULL,
	`destination` text NOT NULL,
	`address` text,
	`status` text NOT NULL,
	`subject` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`schedule_start` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`lease_until` integer,
	`last_error` text,
	`response_code` integer,
	`response_body` text,
	`provider_message_id` text,
	`sent_at` integer,
	`delivered_at` integer,
	`read_at` integer,
	`created_at` integer NOT NULL,
	`modified_at` integer NOT NULL,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_leg_uq` ON `deliveries` (`notification_id`,`channel`,`destination`);--> statement-breakpoint
CREATE INDEX `deliveries_account_notification_idx` ON `deliveries` (`account_id`,`notification_id`);--> statement-breakpoint
CREATE INDEX `deliveries_status_due_idx` ON `deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `deliveries_provider_message_idx` ON `deliveries` (`provider_message_id`);--> statement-breakpoint
CREATE TABLE `delivery_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`account_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`response_code` integer,
	`response_body` text,
	`error` text,
	`next_attempt_at` integer,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_attempts_delivery_attempt_uq` ON `delivery_attempts` (`delivery_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`account_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`notification_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_keys_pk` ON `idempotency_keys` (`account_id`,`key`);--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `suppressions` (
	`subscription_id` text NOT NULL,
	`suppression_key` text NOT NULL,
	`notification_id` text NOT NULL,
	`notified_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppressions_pk` ON `suppressions` (`subscription_id`,`suppression_key`);--> statement-breakpoint
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
	`signing_secret` text NOT NULL,
	`previous_signing_secret` text,
	`previous_secret_expires_at` integer,
	`disabled_at` integer,
	`disabled_reason` text,
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