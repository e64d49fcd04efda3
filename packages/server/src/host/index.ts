export { createHostServices, HOST_SERVICE_DEFAULTS, type HostLogger, type HostServicesOptions } from "./host-services.js";
export { performActions, type ActionOutcome, type PerformOptions } from "./actions.js";
export { isPublicAddress } from "./address-policy.js";
