/**
 * Runs once before any test file: installs what the notebook and browser tests
 * need (as root, when missing), so parallel test files never race for apt-get.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumNeed, ensureSystem, jupyterNeed } from '../src/util/system';

/** The environment variable that hands the run's temporary root to the test files (test/helpers.ts). */
export const TEST_TMP_ENV = 'SOO_TEST_TMP';

export default function setup(): () => void {
  ensureSystem(jupyterNeed);
  ensureSystem(chromiumNeed);
  // Every test's temporary folders go under one root, removed when the run ends: they used to stay, and a
  // working day's runs left about 10,000 folders and 60 GB in /tmp, enough to fill this machine's disk.
  const root = mkdtempSync(join(tmpdir(), 'soo-test-'));
  process.env[TEST_TMP_ENV] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
