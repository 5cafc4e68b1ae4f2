// Generates action/autostack-deploy.yml (the deploy workflow with placeholders, for readers of the
// Action) from the registered clouds. `--check` fails when the committed file is stale.
import '../synth/index.ts';
import { renderDeployWorkflow } from '../synth/contract/deploy-workflow.ts';
import { writeOrCheck } from './generated-file.ts';

await writeOrCheck(new URL('../action/autostack-deploy.yml', import.meta.url), renderDeployWorkflow({ deployBranch: '__DEPLOY_BRANCH__', actionRef: '__ACTION_REF__' }), 'npm run gen:types');
