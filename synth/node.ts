// The wiring for Node entry points (the App, the CLI, the Action's helpers, tests): the registry,
// plus a run-time schema compiler for kinds or clouds registered after the validators were
// generated (tests register fixtures). The browser uses synth/index.ts alone.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { setSchemaCompiler } from './core/validate/schema.ts';
import './index.ts';

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
setSchemaCompiler((schema) => ajv.compile(schema));
