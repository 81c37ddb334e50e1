ALTER TABLE `integrations` ADD `consecutive_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `integrations` ADD `failing_since` integer;--> statement-breakpoint
-- Herald's own operational events, emitted into the account concerned (README "Operational events"): subscribe to
-- them with any channel like any other type. Legs of these notifications that fail emit nothing further (no loops).
INSERT INTO `notification_types` (`notification_type`, `name`, `default_template`, `templates`, `default_email_subject`, `created_at`, `modified_at`) VALUES
  ('herald/integration.disabled', 'Herald: integration disabled', 'observation_template', '["observation_template"]', 'Herald disabled integration {{payload.integration_name}} : {{payload.reason}}', 1796515200000, 1796515200000),
  ('herald/delivery.exhausted', 'Herald: delivery failed', 'observation_template', '["observation_template"]', 'Herald could not deliver a {{payload.notification_type}} notification : {{payload.last_error}}', 1796515200000, 1796515200000),
  ('herald/integration.failing', 'Herald: integration failing', 'observation_template', '["observation_template"]', 'Herald integration {{payload.integration_name}} failed {{payload.consecutive_failures}} times in a row', 1796515200000, 1796515200000)
ON CONFLICT (`notification_type`) DO NOTHING;
