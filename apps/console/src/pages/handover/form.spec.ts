import 'reflect-metadata';
import { validateBody } from '../../../../../libs/wire/src/bodies';
import { SealedPersonalData } from '../../../../../libs/wire/src/sealed';
import { validatePlain } from '../../../../../libs/wire/src/validation';
import { type HandoverForm, checkStep, emptyForm, stepOfField, stepsOf, toBody, toSealed } from './form';

/** A return of an adult woman to RS, with consent to share sealed details, as the form holds it. */
const filled = (change: Partial<HandoverForm> = {}): HandoverForm => ({
  ...emptyForm(),
  purpose: 'return',
  sender: 'AT/bmi-thb/coordination',
  ageGroup: 'adult',
  sex: 'f',
  nationality: 'RS',
  languages: ['sr', 'de'],
  exploitation: ['sexual'],
  riskLevel: 'medium',
  riskAssessedAt: '2026-11-20',
  needs: ['shelter', 'legal'],
  returnDate: '2026-12-03',
  escort: 'yes',
  consentGiven: true,
  consentBy: 'person',
  consentDate: '2026-11-19',
  consentTime: '09:00',
  shareSealed: true,
  destination: 'RS',
  recipient: 'RS/cptv/intake',
  sealed: { ...emptyForm().sealed, givenName: 'Jovana', familyName: 'Petrović', dateOfBirth: '1994-03-17', documentNumber: 'SR1234567' },
  ...change,
});

describe('the new-handover form', () => {
  it('makes a body and sealed details the wire classes accept', () => {
    const form = filled();
    expect(stepsOf(form).flatMap((s) => Object.keys(checkStep(s, form)))).toEqual([]);
    expect(validateBody('handover.request', toBody(form))).toEqual([]);
    expect(toBody(form).consent.scope).toEqual(['share-coded', 'share-sealed']);
    const sealed = toSealed(form);
    expect(sealed).toEqual({ givenName: 'Jovana', familyName: 'Petrović', dateOfBirth: '1994-03-17', travelDocument: { number: 'SR1234567' } });
    expect(validatePlain(SealedPersonalData, sealed, 'sealed')).toEqual([]);
  });

  it('leaves plannedReturn out of a referral, and the sealed step and details out without consent to share them', () => {
    const form = filled({ purpose: 'referral', shareSealed: false });
    expect(validateBody('handover.request', toBody(form))).toEqual([]);
    expect(toBody(form)).not.toHaveProperty('plannedReturn');
    expect(toSealed(form)).toBeUndefined();
    expect(stepsOf(form)).not.toContain('sealed');
  });

  it('names each missing required choice by the API field path of its step', () => {
    const form = filled({ sex: '', exploitation: [], escort: '', recipient: '' });
    expect(Object.keys(checkStep('facts', form)).sort()).toEqual(['body.exploitation', 'body.person.sex', 'body.plannedReturn.escort']);
    expect(checkStep('recipient', form)).toEqual({ recipient: 'error.recipient' });
    expect(checkStep('consent', filled({ ageGroup: 'child' }))).toEqual({ 'body.consent.by': 'error.guardianForChild' });
    expect(checkStep('consent', filled({ consentGiven: false }))).toEqual({ 'body.consent.given': 'error.consentGiven' });
  });

  it('maps the API problems to the step they belong to', () => {
    expect(
      ['body.purpose', 'sender', 'body.person.ageGroup', 'body.plannedReturn', 'body.consent.scope', 'recipient', 'sealed.givenName', 'sealed', 'body'].map(
        stepOfField,
      ),
    ).toEqual(['purpose', 'purpose', 'facts', 'facts', 'consent', 'recipient', 'sealed', 'sealed', 'review']);
  });
});
