import { HandoverRequestBody } from '@trm/wire';

/**
 * SAMPLE DATA. The demo case: Austria returns an adult woman to Serbia after sexual exploitation, with her consent,
 * escorted, to CPTV's intake. Coded facts only; nothing identifies anyone.
 */
export function sampleReturnHandover(now = new Date()): { sender: string; recipient: string; body: HandoverRequestBody } {
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  return {
    sender: 'AT/bmi-thb/coordination',
    recipient: 'RS/cptv/intake',
    body: {
      purpose: 'return',
      person: { ageGroup: 'adult', sex: 'f', nationality: 'RS', languages: ['sr'] },
      exploitation: ['sexual'],
      risk: { level: 'medium', assessedAt: day(-2) },
      needs: ['shelter', 'psychosocial', 'legal'],
      consent: { given: true, by: 'person', recordedAt: new Date(now.getTime() - 3 * 86_400_000).toISOString(), scope: ['share-coded'] },
      plannedReturn: { date: day(11), escort: true },
    },
  };
}
