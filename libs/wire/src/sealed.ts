import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { KeyObject } from 'node:crypto';
import { JWE_ALG, JWE_ENC } from './profile';
import { IsCountry, IsIsoDate, IsText, Problem, validatePlain } from './validation';

export class TravelDocument {
  @IsOptional() @IsString() @IsText() @Length(1, 40) type?: string;
  @IsOptional() @IsString() @IsText() @Length(1, 40) number?: string;
  @IsOptional() @IsCountry() issuer?: string;
  @IsOptional() @IsIsoDate() expires?: string;
}

/** The only personal details a return may carry, and only inside `sealed` (section 4). */
export class SealedPersonalData {
  @IsOptional() @IsString() @IsText() @Length(1, 100) givenName?: string;
  @IsOptional() @IsString() @IsText() @Length(1, 100) familyName?: string;
  @IsOptional() @IsIsoDate() dateOfBirth?: string;
  @IsOptional() @IsString() @IsText() @Length(1, 100) placeOfBirth?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => TravelDocument) travelDocument?: TravelDocument;
  @IsOptional() @IsString() @IsText() @Length(3, 32) phone?: string;
}

export interface EncryptionKey {
  kid: string;
  key: KeyObject;
}

/** Encrypts personal details to the receiving node's X25519 key. */
export async function seal(data: SealedPersonalData, to: EncryptionKey): Promise<string> {
  return new CompactEncrypt(Buffer.from(JSON.stringify(data), 'utf8')).setProtectedHeader({ alg: JWE_ALG, enc: JWE_ENC, kid: to.kid }).encrypt(to.key);
}

export type Opened = { ok: true; data: SealedPersonalData } | { ok: false; problems: Problem[] };

/** Opens a `sealed` part with one of this node's private encryption keys; problems never quote the content. */
export async function openSealed(jwe: string, keys: EncryptionKey[]): Promise<Opened> {
  const fail = (problem: string): Opened => ({ ok: false, problems: [{ field: 'sealed', problem }] });
  let kid: unknown;
  try {
    const header = decodeProtectedHeader(jwe);
    if (header.alg !== JWE_ALG || header.enc !== JWE_ENC) return fail(`must use alg ${JWE_ALG} and enc ${JWE_ENC}`);
    kid = header.kid;
  } catch {
    return fail('is not a JWE Compact Serialization');
  }
  const key = keys.find((k) => k.kid === kid);
  if (!key) return fail('is not encrypted to a current encryption key of this node');
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(jwe, key.key, { keyManagementAlgorithms: [JWE_ALG], contentEncryptionAlgorithms: [JWE_ENC] }));
  } catch {
    return fail('does not decrypt with the key named by its kid');
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(plaintext).toString('utf8'));
  } catch {
    return fail('plaintext is not JSON');
  }
  const problems = validatePlain(SealedPersonalData, data, 'sealed');
  return problems.length ? { ok: false, problems } : { ok: true, data: data as SealedPersonalData };
}
