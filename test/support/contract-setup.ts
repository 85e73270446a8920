import { describeViolations, takeContractViolations } from './contract-check';

/**
 * Fails the test during which the app answered outside its contract (test/support/
 * contract-check.ts records them). Answers given in beforeAll hooks are reported with the
 * first test after them.
 */
function failOnViolations(): void {
  const found = takeContractViolations();
  if (found.length > 0) throw new Error(`The API answered outside its contract (contracts/routes.ts):\n${describeViolations(found)}`);
}

afterEach(failOnViolations);
afterAll(failOnViolations);
