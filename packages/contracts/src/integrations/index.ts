// The integrations' contracts, one module per concern; only these names are the package's.
export {
  Integration,
  IntegrationIdParam,
  IntegrationList,
  IntegrationTestResponse,
  IntegrationTypeInfo,
  IntegrationTypeList,
  WebhookIntegration,
} from "./answers";
export { MAX_RATE_PER_SECOND, ORDERINGS, RateLimit } from "./controls";
export { INTEGRATION_TYPES, IntegrationType, WebhookHeaders } from "./fields";
export {
  CreateIntegrationOfTypeRequest,
  CreateIntegrationRequest,
  INTEGRATION_CONFIG_SCHEMAS,
  IntegrationConfigurationTestRequest,
  IntegrationTestRequest,
  IntegrationTypeParam,
  UpdateIntegrationRequest,
} from "./requests";
export { PAGERDUTY_SEVERITIES, PagerDutySeverityMap, ResolveWhen } from "./vendor-fields";
export {
  MAX_PAYLOAD_TEMPLATE_LENGTH,
  PAYLOAD_CONVERSION_TYPES,
  PayloadConversionType,
  SIGNATURE_SCHEMES,
  SignatureScheme,
  WEBHOOK_METHODS,
} from "./webhook-fields";
