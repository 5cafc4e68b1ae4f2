// Importing this module registers every cloud. A new cloud is a new file here plus its data file.
import './aws/index.ts';
import './azure/index.ts';
import './gcp/index.ts';

export { cloudRules, registeredClouds } from './registry.ts';
export type { CloudRules } from './registry.ts';
