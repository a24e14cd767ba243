/**
 * Runs once before any test file: installs what the notebook and browser tests
 * need (as root, when missing), so parallel test files never race for apt-get.
 */
import { chromiumNeed, ensureSystem, jupyterNeed } from '../src/util/system';

export default function setup(): void {
  ensureSystem(jupyterNeed);
  ensureSystem(chromiumNeed);
}
