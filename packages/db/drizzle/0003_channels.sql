ALTER TABLE `deliveries` ADD `paced_at` integer;--> statement-breakpoint
ALTER TABLE `integrations` ADD `config` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `integrations` ADD `secrets` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `integrations` ADD `paced_until` integer;