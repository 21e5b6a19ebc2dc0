/**
 * Every fragment of base64 (standard and url-safe) that encoding a canary yields, whatever its offset in the encoded
 * bytes: only characters fully determined by the canary's own bytes are kept, so a JWS or JWE payload that contains
 * the canary in clear (signed, not encrypted) is caught wherever it sits.
 */
export function base64Forms(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const core = encoded.slice(k ? 4 : 0, Math.floor((k + bytes.length) / 3) * 4);
    out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}
