/**
 * The step registry: every step of a run, declared once, in run order. The runner (run.ts) resolves
 * --from/--until by the data sets each step reads and writes, so a new step is one module (its
 * StepDef) plus one entry here, its docs and its tests.
 */
import type { StepDef } from './step';
import { loadStep } from '../io/step';
import { martStep } from '../mart/step';
import { networkStep } from '../network/step';
import { valueStep } from '../value/step';
import { personasStep } from '../personas/step';
import { offersStep, propensitiesStep } from '../offers/step';
import { accountsStep } from '../accounts/step';
import { relationshipStep } from '../relationship/step';
import { pilotStep } from '../pilot/step';
import { measureStep } from '../measure/step';
import { reportStep } from '../report/step';

export const STEPS: readonly StepDef[] = [
  loadStep,
  martStep,
  networkStep,
  personasStep,
  valueStep,
  propensitiesStep,
  offersStep,
  accountsStep,
  relationshipStep,
  pilotStep,
  measureStep,
  reportStep,
];

export function stepByName(name: string): StepDef | undefined {
  return STEPS.find((s) => s.name === name);
}
