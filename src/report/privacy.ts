/**
 * What a report may show of a person: a keyed pseudonym, never the number.
 * HMAC-SHA256 with a per-engagement key: without the key a pseudonym cannot be
 * recomputed from a guessed number, which a plain hash of a phone number allows.
 */
import { createHmac } from 'node:crypto';

export const PSEUDONYM_KEY_ENV = 'SOO_PSEUDONYM_KEY';

/** The key: the environment variable wins over the config, so a key need not sit in a file. */
export function pseudonymKey(configKey: string): string {
  return process.env[PSEUDONYM_KEY_ENV] || configKey;
}

export function pseudonym(lineId: string, key: string): string {
  return 'E-' + createHmac('sha256', key).update(lineId).digest('hex').slice(0, 10);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
