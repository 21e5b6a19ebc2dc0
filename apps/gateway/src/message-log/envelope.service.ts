import { Inject, Injectable } from '@nestjs/common';
import {
  EncryptionKey,
  Envelope,
  Opened,
  SealedPersonalData,
  Incoming,
  Problem,
  Refusal,
  SigningKey,
  Verification,
  authenticateMessage,
  checkContent,
  checkDelivery,
  currentKey,
  importKey,
  keyStateAt,
  openSealed,
  privateJwksProblems,
  publicJwks,
  seal,
  signEnvelope,
} from '@trm/wire';
import { Clock } from '../clock/clock';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { RegistryService } from '../registry/registry.service';

/** This node's signatures and the checks of what partners sent: the wire profile bound to this node's keys. */
@Injectable()
export class EnvelopeService {
  private readonly signers = new Map<string, SigningKey>();
  /** Public halves of this node's encryption keys, by kid: what sealForSelf encrypts to. */
  private readonly selfKeys = new Map<string, EncryptionKey>();
  private readonly decryptionKeys: EncryptionKey[];

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: RegistryService,
    private readonly clock: Clock,
  ) {
    const problems = privateJwksProblems(config.privateJwks, config.node);
    if (problems.length) throw new Error(`private keys of node ${config.node}: ${problems.join('; ')}`);
    this.decryptionKeys = config.privateJwks.keys
      .filter((k) => k.use === 'enc' && keyStateAt(k, clock.now()) !== 'revoked')
      .map((k) => ({ kid: k.kid, key: importKey(k) }));
  }

  /** The signing key valid now; fails loudly rather than sign with an expired key. */
  signer(): SigningKey {
    const jwk = currentKey(this.config.privateJwks, 'sig', this.clock.now());
    if (!jwk) throw new Error(`node ${this.config.node} has no signing key valid now`);
    let signer = this.signers.get(jwk.kid);
    if (!signer) {
      signer = { kid: jwk.kid, key: importKey(jwk) };
      this.signers.set(jwk.kid, signer);
    }
    return signer;
  }

  sign(envelope: Envelope): Promise<string> {
    return signEnvelope(envelope, this.signer());
  }

  /** Receiving rules 1–4. */
  authenticate(incoming: Incoming): Promise<Verification> {
    return authenticateMessage(incoming, {
      node: this.config.node,
      now: this.clock.now(),
      keyFor: (kid) => this.registry.partnerKey(kid),
    });
  }

  /** Receiving rules 5–6, for a message that passed rules 1–4. */
  deliveryRefusal(incoming: Incoming, verified: { envelope: Envelope; digest: string }): Refusal | null {
    return checkDelivery(incoming, verified, this.clock.now());
  }

  /** Encrypts personal details to this node's own current encryption key, to keep what it sent sealed at rest. */
  async sealForSelf(data: SealedPersonalData): Promise<string> {
    const jwk = currentKey(this.config.privateJwks, 'enc', this.clock.now());
    if (!jwk) throw new Error(`node ${this.config.node} has no encryption key valid now`);
    let key = this.selfKeys.get(jwk.kid);
    if (!key) {
      key = { kid: jwk.kid, key: importKey(publicJwks({ keys: [jwk] }).keys[0]) };
      this.selfKeys.set(jwk.kid, key);
    }
    return seal(data, key);
  }

  /** Opens a sealed part encrypted to one of this node's keys. */
  open(jwe: string): Promise<Opened> {
    return openSealed(jwe, this.decryptionKeys);
  }

  /** Receiving rule 8. */
  contentProblems(envelope: Envelope): Promise<Problem[]> {
    return checkContent(envelope, this.decryptionKeys);
  }
}
