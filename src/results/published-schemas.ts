// The JSON Schemas cc-ci publishes in docs/, derived from the zod schemas (never edited by hand).
import * as z from 'zod';
import { Config } from '../config/schema.js';
import { RunEvent } from './run-events.js';
import { Results } from './schema.js';

export function publishedSchemas(): { file: string; schema: string }[] {
  return [
    { file: 'docs/results.schema.json', schema: `${JSON.stringify(z.toJSONSchema(Results, { io: 'output' }), null, 2)}\n` },
    { file: 'docs/config.schema.json', schema: `${JSON.stringify(z.toJSONSchema(Config, { io: 'input' }), null, 2)}\n` },
    { file: 'docs/run-events.schema.json', schema: `${JSON.stringify(z.toJSONSchema(RunEvent, { io: 'output' }), null, 2)}\n` },
  ];
}
