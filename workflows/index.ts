// The worker's single workflowsPath: every workflow function it runs.
export { licenseRequestWorkflow } from './license-request';
export { webhookDeliveryWorkflow } from './webhook-delivery';
