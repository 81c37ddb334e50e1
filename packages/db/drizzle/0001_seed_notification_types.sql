-- The notification types Alert Logic's producers and console use. Templates and subjects are Mustache-style, rendered
-- against {notification_data, asset_data, payload, account}; platform administrators can change them through the API.
INSERT INTO `notification_types` (`notification_type`, `name`, `default_template`, `templates`, `default_email_subject`, `created_at`, `modified_at`) VALUES
  ('incidents/alerts', 'Incidents', 'incidents_template', '["incidents_template","log_review_created"]', '{{payload.threat}} Threat Incident : {{payload.attack_summary}}', 1767225600000, 1767225600000),
  ('incidents/notification', 'Incident Notifications', 'incidents_template', '["incidents_template","log_review_created"]', 'Incident {{payload.incident_id}} : {{payload.attack_summary}}', 1767225600000, 1767225600000),
  ('observations/notification', 'Observations', 'observation_template', '["observation_template"]', 'Observation : {{payload.attack_summary}}', 1767225600000, 1767225600000),
  ('health/alerts', 'Health Alerts', 'observation_template', '["observation_template"]', 'Health Alert : {{notification_data.status}}', 1767225600000, 1767225600000),
  ('report/scheduled', 'Scheduled Reports', 'scheduled_report_template', '["scheduled_report_template","fim_report_template"]', 'Scheduled Report : {{payload.report_name}}', 1767225600000, 1767225600000),
  ('tableau/notifications', 'Scheduled Tableau Reports', 'scheduled_report_template', '["scheduled_report_template"]', 'Scheduled Report : {{payload.report_name}}', 1767225600000, 1767225600000),
  ('search/notifications', 'Scheduled Searches', 'scheduled_report_template', '["scheduled_report_template"]', 'Scheduled Search : {{payload.search_name}}', 1767225600000, 1767225600000);
