// Importing this module registers every cloud's stack synth. A new cloud adds a folder under
// synth/stacks/plan/ with one file per abstract resource, and an import here.
import './plan/aws/index.ts';
import './plan/azure/index.ts';
import './plan/gcp/index.ts';
