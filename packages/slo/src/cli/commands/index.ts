import type { Command } from '../command.js';
import { checkCommand } from './check.js';
import { explainCommand } from './explain.js';
import { gateCommand } from './gate.js';
import { generateCommand } from './generate.js';
import { importCommand } from './import.js';
import { replayCommand } from './replay.js';
import { reportCommand } from './report.js';
import { schemaCommand } from './schema.js';
import { silencesCommand } from './silences.js';
import { testCommand } from './test.js';
import { validateCommand } from './validate.js';

/** Every verb of `tracseq-slo`, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  validateCommand,
  generateCommand,
  testCommand,
  checkCommand,
  explainCommand,
  importCommand,
  silencesCommand,
  reportCommand,
  gateCommand,
  replayCommand,
  schemaCommand,
];
