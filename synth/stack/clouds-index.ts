// Importing this module registers every cloud's stack synth. A new cloud adds a folder under
// synth/stacks/plan/ with one file per abstract resource, and an import here.
import '../clouds/aws/index.ts';
import '../clouds/azure/index.ts';
import '../clouds/gcp/index.ts';
