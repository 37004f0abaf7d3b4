// Verifies a GitHub App JWT (RS256) against the configured public key, as GitHub does before issuing installation tokens.
import { createVerify } from 'node:crypto';

export function verifyAppJwt(jwt: string, publicKeyPem: string, appId: number, nowMs: number): string | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return 'A JSON web token could not be decoded';
  const [h, p, s] = parts;
  let header: any, payload: any;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return 'A JSON web token could not be decoded';
  }
  if (header.alg !== 'RS256') return "'alg' must be RS256";
  const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(publicKeyPem, Buffer.from(s, 'base64url'));
  if (!ok) return 'A JSON web token could not be decoded';
  if (String(payload.iss) !== String(appId)) return "'Issuer' claim ('iss') must be an Integer";
  const now = Math.floor(nowMs / 1000);
  if (typeof payload.exp !== 'number' || payload.exp < now) return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  if (typeof payload.iat !== 'number' || payload.iat > now + 60) return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
  if (payload.exp - payload.iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
  return null;
}
