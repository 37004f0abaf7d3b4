// X-Hub-Signature-256 exactly as GitHub computes it: HMAC-SHA256 of the raw body, hex, prefixed `sha256=`.
import { createHmac } from 'node:crypto';

export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
