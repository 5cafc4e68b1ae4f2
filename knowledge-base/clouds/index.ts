// Importing this module registers every cloud. A new cloud is a new file here plus its data file.
import './aws.ts';
import './azure.ts';
import './gcp.ts';

export { cloudRules, registeredClouds } from './registry.ts';
export type { CloudRules } from './registry.ts';
